// Virtual Brownian tree (Li et al. 2020; diffrax's VirtualBrownianTree with space-time Levy area,
// Jelincic et al. 2024 "Single-seed generation of Brownian paths and integrals"). Nothing is
// stored: every node value is re-derived from the key by walking the dyadic tree of [t0, t1].
//
// Each dyadic node [a, a + h] carries W = W_{a,a+h} and H = H_{a,a+h}, the space-time Levy area
//   H_{s,t} = (1/h) int_s^t (W_{s,r} - (r - s)/h W_{s,t}) dr,  h = t - s,  H ~ N(0, h/12) indep. of W.
// Root: W = sqrt(L) z0, H = sqrt(L/12) z1 (L = t1 - t0). Node (d, i) is split at its midpoint by
// the exact conditional law of the halves given (W, H) (derivation: docs/sde.md, "Brownian paths"):
//   dd = 3 H + (sqrt(h)/2) Z1,  hs = 2 H - dd/2,  hd = sqrt(h/12) Z2
//   W_left = (W + dd)/2, W_right = (W - dd)/2,  H_left = (hs + hd)/2, H_right = (hs - hd)/2
// (inverting H = (H_left + H_right)/2 + (W_left - W_right)/4). Z1, Z2 for element e are the
// normals at counter (e >> 2, i, 2 + 2d, DOMAIN_TREE) and (e >> 2, i, 3 + 2d, DOMAIN_TREE); the
// root uses codes 0 and 1 with index 0. Below the finest level (depth n, cells of hb = L / 2^n)
// the path is the conditional mean given the cell's (W, H):
//   W(a + u hb) = W(a) + u W + 6 u (1 - u) H,  u in [0, 1],
// a continuous piecewise-quadratic path whose Levy area over every cell is exactly the cell's H.
//
// A query [s, t] works with I10(s, t) = int_s^t W_{s,r} dr = h (H_{s,t} + W_{s,t} / 2). Every
// quantity is accumulated relative to the deepest node that holds the interval, so that nothing
// of the size of a coarse node cancels in f64 (an interval of 1e-9 across 0.5, or ending at t1,
// keeps full precision at depth 30):
// - s and t in one finest cell: W and F(x) = int W dr relative to the cell's left end.
// - otherwise the interval is split at m, the midpoint of the deepest common node C (m = t1 when
//   t = t1; C is then the deepest right-most node holding s). [m, t] is walked forwards from C's
//   right child: W(m, x) and F(x) = int_m^x W_{m,r} dr, which only grow when t's path turns right,
//   at nodes no longer than t - m. [s, m] is walked backwards from the node ending at m:
//   B(x) = W_{x,m}, G(x) = int_x^m W_{r,m} dr, which only grow when s's path turns left (the
//   right sibling [c, c + l] joins: G += l (B + W_sib/2 - H_sib), B += W_sib), at nodes no longer
//   than m - s; the walk stops where s is a node's left end (then the node joins whole), so a
//   deeper tree refines a shallower one bit for bit at the shallower tree's dyadic points. Then
//   W_{s,t} = B + W_{m,t},  I10(s, t) = (m - s) B - G + F(t) + (t - m) B.
// All path arithmetic is f64; outputs are rounded to f32.

import { normals4x4 } from "../rng/normal_core";
import { DOMAIN_TREE } from "../rng/domains";

const TREE_MAX_DEPTH: i32 = 30;
const CAP: i32 = 4 + 4 * TREE_MAX_DEPTH; // counters of one query (root, s path, t path), padded
const CNT1 = memory.data(CAP * 4, 16);
const CNT2 = memory.data(CAP * 4, 16);
const Z = memory.data(CAP * 16, 16);
const HALF_LEN = memory.data((TREE_MAX_DEPTH + 1) * 8, 8);    // length of the children of level d
const HALF_SQRT = memory.data((TREE_MAX_DEPTH + 1) * 8, 8);   // sqrt(h_d) / 2
const SQRT_12TH = memory.data((TREE_MAX_DEPTH + 1) * 8, 8);   // sqrt(h_d / 12)

// Walk state: W at the left end of the current node, the integral F up to it, and the node's W, H.
let gWa: f64 = 0, gFa: f64 = 0, gWn: f64 = 0, gHn: f64 = 0;
// The split of the last node by split(): left and right children's W, H.
let gW1: f64 = 0, gH1: f64 = 0, gW2: f64 = 0, gH2: f64 = 0;

@inline function zAt(k: i32, w: i32): f64 {
  return <f64>load<f32>(Z + (<usize>k << 4) + (<usize>w << 2));
}

/** Splits the node (Wn, Hn) of level d with the normals Z[k], Z[k + 1] into gW1, gH1 | gW2, gH2. */
@inline function split(Wn: f64, Hn: f64, d: i32, k: i32, w: i32): void {
  const o = <usize>d << 3;
  const dd = 3 * Hn + load<f64>(HALF_SQRT + o) * zAt(k, w);
  const hs = 2 * Hn - 0.5 * dd;
  const hd = load<f64>(SQRT_12TH + o) * zAt(k + 1, w);
  gW1 = 0.5 * (Wn + dd); gH1 = 0.5 * (hs + hd);
  gW2 = 0.5 * (Wn - dd); gH2 = 0.5 * (hs - hd);
}

/** Splits levels dFrom..dTo-1 along the path bits of j (n levels); normals from Z[zBase + 2(d - dFrom)]. */
function descend(j: i32, n: i32, dFrom: i32, dTo: i32, zBase: i32, w: i32): void {
  let Wa = gWa, Fa = gFa, Wn = gWn, Hn = gHn;
  for (let d = dFrom; d < dTo; d++) {
    split(Wn, Hn, d, zBase + 2 * (d - dFrom), w);
    if (((j >> (n - 1 - d)) & 1) != 0) {
      Fa += load<f64>(HALF_LEN + (<usize>d << 3)) * (Wa + gH1 + 0.5 * gW1);
      Wa += gW1;
      Wn = gW2;
      Hn = gH2;
    } else {
      Wn = gW1;
      Hn = gH1;
    }
  }
  gWa = Wa; gFa = Fa; gWn = Wn; gHn = Hn;
}

let gB: f64 = 0, gG: f64 = 0;

/**
 * Backward walk from the node (gWn, gHn) of level d0, length len, whose right end is m, down s's
 * path (cell js at fraction us, n levels): gB = W_{s,m}, gG = int_s^m W_{r,m} dr.
 */
function ascendLeft(js: i32, us: f64, n: i32, d0: i32, len: f64, w: i32): void {
  let B: f64 = 0, G: f64 = 0, Wn = gWn, Hn = gHn, l = len;
  for (let d = d0; ; d++) {
    if (us == 0 && (js & ((1 << (n - d)) - 1)) == 0) {
      // s is this node's left end: the whole node joins (int over it of W_{r,end} dr = l (W/2 - H))
      gG = G + l * B + l * (0.5 * Wn - Hn);
      gB = B + Wn;
      return;
    }
    if (d == n) break;
    split(Wn, Hn, d, 2 + 2 * d, w);
    l *= 0.5;
    if (((js >> (n - 1 - d)) & 1) != 0) {
      Wn = gW2; Hn = gH2;
    } else {
      G += l * (B + 0.5 * gW2 - gH2);
      B += gW2;
      Wn = gW1; Hn = gH1;
    }
  }
  // s inside the finest cell (length l) at fraction u: W_{s,end} = (1 - u) W - 6 u (1 - u) H,
  // int_s^end W_{r,end} dr = l (1 - u)^2 (W/2 - (1 + 2u) H)
  const v = 1 - us;
  gB = B + v * Wn - 6 * us * v * Hn;
  gG = G + (l * v) * B + l * v * v * (0.5 * Wn - (1 + 2 * us) * Hn);
}

let gW: f64 = 0, gF: f64 = 0;

/** W and F at fraction u of the finest cell (length hb) the walk ended in. */
@inline function evalCell(u: f64, hb: f64): void {
  const uu = u * u;
  gW = gWa + u * gWn + 6 * u * (1 - u) * gHn;
  gF = gFa + hb * (gWa * u + 0.5 * gWn * uu + gHn * uu * (3 - 2 * u));
}

@inline function storeCounters(K: i32, i: u32, d: i32): void {
  const o = <usize>K << 2;
  store<u32>(CNT1 + o, i); store<u32>(CNT2 + o, <u32>(2 + 2 * d));
  store<u32>(CNT1 + o, i, 4); store<u32>(CNT2 + o, <u32>(3 + 2 * d), 4);
}

/**
 * Increment W_{s,t} (into outW) and space-time Levy area H_{s,t} (into outH) of a D-dimensional
 * Brownian motion on [t0, t1] for t0 <= s <= t <= t1, from the tree of depth `depth` (0..30) keyed
 * by (seed, stream). Either output pointer may be 0 to skip it. Points outside [t0, t1] are clamped.
 */
export function brownian_tree(seed: u32, stream: u32, depth: i32, D: i32, t0: f64, t1: f64,
                              s: f64, t: f64, outW: usize, outH: usize): void {
  const n = min(max(depth, 0), TREE_MAX_DEPTH);
  const L = t1 - t0;
  const ncell = 1 << n;
  const cells = <f64>ncell;
  const ps = min(max((s - t0) / L * cells, 0.0), cells);
  const pt = min(max((t - t0) / L * cells, 0.0), cells);
  if (!(pt > ps)) {
    for (let e = 0; e < D; e++) {
      if (outW != 0) store<f32>(outW + (<usize>e << 2), 0);
      if (outH != 0) store<f32>(outH + (<usize>e << 2), 0);
    }
    return;
  }
  // t1 has no left-end representation in any cell: [s, t1] is walked backwards from the root.
  const tEnd = pt >= cells;
  const js = min(<i32>Math.floor(ps), ncell - 1);
  const jt = min(<i32>Math.floor(pt), ncell - 1);
  const us = ps - <f64>js, ut = pt - <f64>jt;
  const diff = js ^ jt;
  const oneCell = !tEnd && diff == 0;
  // level of the deepest node holding both points (the root when t = t1)
  const dstar = tEnd ? 0 : diff == 0 ? n : n - 32 + <i32>clz(diff);

  // Counters (c1, c2) of every normal the query needs: root, all n splits on s's path, then the
  // splits on t's path below the common node's children.
  store<u32>(CNT1, 0); store<u32>(CNT2, 0);
  store<u32>(CNT1, 0, 4); store<u32>(CNT2, 1, 4);
  let K = 2;
  for (let d = 0; d < n; d++) {
    storeCounters(K, <u32>js >>> <u32>(n - d), d);
    K += 2;
  }
  const tBase = K;
  for (let d = dstar + 1; d < n && !tEnd; d++) {
    storeCounters(K, <u32>jt >>> <u32>(n - d), d);
    K += 2;
  }
  for (let d = 0; d < n; d++) {
    const h = L / <f64>(<u64>1 << <u64>d);
    const o = <usize>d << 3;
    store<f64>(HALF_LEN + o, 0.5 * h);
    store<f64>(HALF_SQRT + o, 0.5 * Math.sqrt(h));
    store<f64>(SQRT_12TH + o, Math.sqrt(h / 12));
  }
  const hb = L / cells;
  const rootW = Math.sqrt(L), rootH = Math.sqrt(L / 12);
  // cell index of the split point m and the lengths of [s, m] and [m, t]
  const below = n - dstar - 1;
  const mCell = tEnd ? ncell : oneCell ? 0 : (jt >> below) << below;
  const lenL = oneCell ? 0 : (<f64>(mCell - js) - us) * hb;
  const lenR = oneCell || tEnd ? 0 : (<f64>(jt - mCell) + ut) * hb;
  const hq = oneCell ? (ut - us) * hb : lenL + lenR;
  const c3 = i32x4.splat(DOMAIN_TREE);

  for (let b = 0; (b << 2) < D; b++) {
    const c0 = i32x4.splat(b);
    for (let k = 0; k < K; k += 4) {
      normals4x4(c0, v128.load(CNT1 + (<usize>k << 2)), v128.load(CNT2 + (<usize>k << 2)), c3,
                 seed, stream, 1, Z + (<usize>k << 4), false);
    }
    const m = min(4, D - (b << 2));
    for (let w = 0; w < m; w++) {
      gWa = 0; gFa = 0; gWn = rootW * zAt(0, w); gHn = rootH * zAt(1, w);
      descend(js, n, 0, dstar, 2, w);
      let Wst: f64, I: f64;
      if (oneCell) {
        gWa = 0; gFa = 0; // relative to the cell's left end
        evalCell(us, hb);
        const Ws = gW, Fs = gF;
        evalCell(ut, hb);
        Wst = gW - Ws;
        I = gF - Fs - hq * Ws;
      } else {
        let Wr: f64 = 0, Fr: f64 = 0;
        if (tEnd) {
          ascendLeft(js, us, n, 0, L, w);
        } else {
          split(gWn, gHn, dstar, 2 + 2 * dstar, w);
          const W2 = gW2, H2 = gH2;
          gWn = gW1; gHn = gH1;
          ascendLeft(js, us, n, dstar + 1, load<f64>(HALF_LEN + (<usize>dstar << 3)), w);
          gWa = 0; gFa = 0; gWn = W2; gHn = H2;
          descend(jt, n, dstar + 1, n, tBase, w);
          evalCell(ut, hb);
          Wr = gW; Fr = gF;
        }
        Wst = gB + Wr;
        I = (lenL + lenR) * gB - gG + Fr;
      }
      const e = <usize>((b << 2) + w) << 2;
      if (outW != 0) store<f32>(outW + e, <f32>Wst);
      if (outH != 0) store<f32>(outH + e, <f32>(I / hq - 0.5 * Wst));
    }
  }
}
