// Winograd F(2x2, 3x3) for the stride-1 3x3 convolutions (Lavin & Gray 2016): every 2 x 2 output
// tile Y of one output channel o is
//   Y = A^T [ sum_c (G g_oc G^T) . (B^T d_c B) ] A          (. elementwise, 4 x 4)
// with d_c the 4 x 4 input tile of channel c (rows 2 ty .. 2 ty + 3, columns 2 tx .. 2 tx + 3 of the
// zero-padded image), g_oc the 3 x 3 kernel and
//   B^T = [1  0 -1  0]    G = [ 1    0    0 ]    A^T = [1 1  1  0]
//         [0  1  1  0]        [1/2  1/2  1/2]          [0 1 -1 -1]
//         [0 -1  1  0]        [1/2 -1/2  1/2]
//         [0  1  0 -1]        [ 0    0    1 ]
// 16 products per tile and channel instead of 36 (2.25x fewer multiply-adds), plus the transforms.
//
// Summation order, fixed whatever the sizes (the same bits on every machine and worker count):
//   U = G g G^T: rows first, (g0 + g2) * 1/2 then +- g1 * 1/2 ...: see filterTransform;
//   V = B^T d B: the rows first (B^T d, on whole rows), then the columns of each row (. B);
//   M[xi] = sum_c U[xi, o, c] V[xi, c], c ascending from 0 (one product per term, no fused multiply-add);
//   Y = A^T M A: rows first (m0 + m1 + m2, m1 - m2 - m3), then columns in the same way.
// Different from the direct sum over (c, ky, kx) of the implicit GEMM: Winograd rounds differently
// (relative error ~1e-6 of the output's magnitude for O(1) data, see test/kernels/winograd.test.ts).
//
// Layout. Four horizontally adjacent tiles are the four lanes of a v128. Input: the zero-padded
// image in planes of rows Rp = 2 tY + 2 and stride Si = 8 G + 4 floats (tY = ceil(Ho / 2) tile
// rows, G = ceil(ceil(Wo / 2) / 4) groups of 4 tiles); image pixel (iy, ix) at row iy + pad,
// column ix + pad; the rest zero. Output: planes of 2 tY rows and stride So = 8 G (columns >= Wo,
// rows >= Ho are garbage-free but unused). U: blocks of 4 output channels (the last
// one R = 1..4), each [16][Cin][R]. Per pair of groups (8 tiles), V [16][Cin][2]
// v128 and M [16][4][2] v128 live in a small work area (L1).

@inline function F(n: i32): usize { return <usize>n << 2; }

// @ts-ignore: decorator
@inline function tileRows(Ho: i32): i32 { return (Ho + 1) >> 1; }
// @ts-ignore: decorator
@inline function groups(Wo: i32): i32 { return ((((Wo + 1) >> 1) + 7) >> 3) << 1; } // even: groups run in pairs

/** Input plane stride Si and output plane stride So (floats). */
export function winogradInStride(Wo: i32): i32 { return 8 * groups(Wo) + 4; }
export function winogradOutStride(Wo: i32): i32 { return 8 * groups(Wo); }
/** Floats of one input plane (Rp Si) and one output plane (2 tY So). */
export function winogradInPlane(Ho: i32, Wo: i32): i32 { return (2 * tileRows(Ho) + 2) * winogradInStride(Wo); }
export function winogradOutPlane(Ho: i32, Wo: i32): i32 { return 2 * tileRows(Ho) * winogradOutStride(Wo); }

/**
 * Scratch floats of winograd_conv3x3: U (16 Cout Cin), the input planes (Cin), the output planes
 * (Cout), and the work area V (128 Cin) + M (512).
 */
export function winogradFloats(Cin: i32, Cout: i32, Ho: i32, Wo: i32): i32 {
  return 16 * Cout * Cin + Cin * winogradInPlane(Ho, Wo) + Cout * winogradOutPlane(Ho, Wo) + 128 * Cin + 512;
}

/** Sections of the scratch (see winogradFloats). */
export function winogradU(scratch: usize): usize { return scratch; }
export function winogradIn(scratch: usize, Cin: i32, Cout: i32): usize { return scratch + F(16 * Cout * Cin); }
export function winogradOut(scratch: usize, Cin: i32, Cout: i32, Ho: i32, Wo: i32): usize {
  return winogradIn(scratch, Cin, Cout) + F(Cin * winogradInPlane(Ho, Wo));
}
function winogradWork(scratch: usize, Cin: i32, Cout: i32, Ho: i32, Wo: i32): usize {
  return winogradOut(scratch, Cin, Cout, Ho, Wo) + F(Cout * winogradOutPlane(Ho, Wo));
}

/**
 * U[xi, o, c] = (G g G^T)[xi] for g = the 3 x 3 kernel at W + o * oStride + c * cStride floats
 * (row-major). Row transform t = G g (per column j: t0 = g0, t1 = ((g0 + g2) + g1) / 2,
 * t2 = ((g0 + g2) - g1) / 2, t3 = g2), then the same on the rows of t (t G^T).
 */
export function winograd_filter(W: usize, oStride: i32, cStride: i32, Cout: i32, Cin: i32, U: usize): void {
  const half: f32 = 0.5;
  for (let o = 0; o < Cout; o++) {
    for (let c = 0; c < Cin; c++) {
      const g = W + F(o * oStride + c * cStride);
      // t[i][j] for i < 4, j < 3
      let t00: f32 = 0, t01: f32 = 0, t02: f32 = 0, t10: f32 = 0, t11: f32 = 0, t12: f32 = 0;
      let t20: f32 = 0, t21: f32 = 0, t22: f32 = 0, t30: f32 = 0, t31: f32 = 0, t32: f32 = 0;
      for (let j = 0; j < 3; j++) {
        const g0 = load<f32>(g + F(j)), g1 = load<f32>(g + F(3 + j)), g2 = load<f32>(g + F(6 + j));
        const e = g0 + g2;
        const a0 = g0, a1 = (e + g1) * half, a2 = (e - g1) * half, a3 = g2;
        if (j == 0) { t00 = a0; t10 = a1; t20 = a2; t30 = a3; }
        else if (j == 1) { t01 = a0; t11 = a1; t21 = a2; t31 = a3; }
        else { t02 = a0; t12 = a1; t22 = a2; t32 = a3; }
      }
      // U[block o >> 2][xi][c][r], r = o & 3, R = min(4, Cout - (o & ~3)) channels in the block
      const o0 = o & ~3, R = min(4, Cout - o0);
      const base = U + F(16 * Cin * o0 + c * R + (o & 3)), step = F(Cin * R);
      filterRow(t00, t01, t02, base, step);
      filterRow(t10, t11, t12, base + 4 * step, step);
      filterRow(t20, t21, t22, base + 8 * step, step);
      filterRow(t30, t31, t32, base + 12 * step, step);
    }
  }
}

/** One row of t G^T: (r0, ((r0 + r2) + r1) / 2, ((r0 + r2) - r1) / 2, r2) at p, p + step, ... */
@inline function filterRow(r0: f32, r1: f32, r2: f32, p: usize, step: usize): void {
  const half: f32 = 0.5, e = r0 + r2;
  store<f32>(p, r0);
  store<f32>(p + step, (e + r1) * half);
  store<f32>(p + 2 * step, (e - r1) * half);
  store<f32>(p + 3 * step, r2);
}

/** Zeroes the Cin input planes (their padding stays zero for every image written by winograd_into). */
export function winograd_clear(inPlanes: usize, Cin: i32, Ho: i32, Wo: i32): void {
  memory.fill(inPlanes, 0, F(Cin * winogradInPlane(Ho, Wo)));
}

/** Image xb [C, H, W] into the interior of the input planes (row iy + pad, column ix + pad). */
export function winograd_into(inPlanes: usize, xb: usize, C: i32, H: i32, Wd: i32, pad: i32, Ho: i32, Wo: i32): void {
  const Si = winogradInStride(Wo), plane = winogradInPlane(Ho, Wo);
  for (let c = 0; c < C; c++) {
    for (let iy = 0; iy < H; iy++) {
      const dst = inPlanes + F(c * plane + (iy + pad) * Si + pad), src = xb + F((c * H + iy) * Wd);
      let ix = 0;
      for (; ix + 4 <= Wd; ix += 4) v128.store(dst + F(ix), v128.load(src + F(ix)));
      for (; ix < Wd; ix++) store<f32>(dst + F(ix), load<f32>(src + F(ix)));
    }
  }
}

/**
 * One image: the output planes [Cout][2 tY][So] = the stride-1 3x3 correlation of the input
 * planes (already written) with the kernels whose transforms are in U. Scratch as in winogradFloats.
 */
export function winograd_conv3x3(scratch: usize, Cin: i32, Cout: i32, Ho: i32, Wo: i32): void {
  const U = winogradU(scratch), xin = winogradIn(scratch, Cin, Cout), yout = winogradOut(scratch, Cin, Cout, Ho, Wo);
  const V = winogradWork(scratch, Cin, Cout, Ho, Wo), M = V + F(128 * Cin);
  const tY = tileRows(Ho), G = groups(Wo), Si = winogradInStride(Wo), So = winogradOutStride(Wo);
  const inPlane = winogradInPlane(Ho, Wo), outPlane = winogradOutPlane(Ho, Wo);
  for (let ty = 0; ty < tY; ty++) {
    for (let g = 0; g < G; g += 2) { // two groups of four tiles: 8 tiles side by side
      for (let c = 0; c < Cin; c++) {
        const src = xin + F(c * inPlane + 2 * ty * Si + 8 * g), v = V + (<usize>c << 5), vStep = <usize>Cin << 5;
        inputTransform(src, Si, v, vStep);
        inputTransform(src + F(8), Si, v + 16, vStep);
      }
      const out = yout + F(2 * ty * So + 8 * g);
      let o = 0;
      for (; o + 4 <= Cout; o += 4) products(V, U + F(16 * Cin * o), Cin, M, 4, out + F(o * outPlane), outPlane, So);
      const Ub = U + F(16 * Cin * o), ob = out + F(o * outPlane);
      if (Cout - o == 3) products(V, Ub, Cin, M, 3, ob, outPlane, So);
      else if (Cout - o == 2) products(V, Ub, Cin, M, 2, ob, outPlane, So);
      else if (Cout - o == 1) products(V, Ub, Cin, M, 1, ob, outPlane, So);
    }
  }
}

/**
 * V = B^T d B of four tiles (lanes) whose 4 x 10 input window starts at p (row stride Si floats):
 * V[xi] at v + xi * vStep bytes. The rows of B^T first (B^T d: row pairs 0 - 2, 1 + 2, 2 - 1,
 * 1 - 3, on whole loaded vectors), then d B on each resulting row (see transformRow). Lane l reads
 * columns 2 l .. 2 l + 3: V[i][j] = (d[i1][j1] +- d[i2][j1]) +- (d[i1][j2] +- d[i2][j2]).
 */
// @ts-ignore: decorator
@inline function inputTransform(p: usize, Si: i32, v: usize, vStep: usize): void {
  const rs = F(Si);
  transformRow(p, p + 2 * rs, false, v, vStep);
  transformRow(p + rs, p + 2 * rs, true, v + 4 * vStep, vStep);
  transformRow(p + 2 * rs, p + rs, false, v + 8 * vStep, vStep);
  transformRow(p + rs, p + 3 * rs, false, v + 12 * vStep, vStep);
}

/**
 * Row r = (row at pa) + (row at pb) when ADD, else (row at pa) - (row at pb), 10 columns; its even
 * and odd columns d0 = r[2l], d1 = r[2l + 1], d2 = r[2l + 2], d3 = r[2l + 3] by shuffles; then
 * d B = (d0 - d2, d1 + d2, d2 - d1, d1 - d3) stored at v, v + vStep, v + 2 vStep, v + 3 vStep.
 */
// @ts-ignore: decorator
@inline function transformRow(pa: usize, pb: usize, ADD: bool, v: usize, vStep: usize): void {
  const a = ADD ? f32x4.add(v128.load(pa), v128.load(pb)) : f32x4.sub(v128.load(pa), v128.load(pb));
  const b = ADD ? f32x4.add(v128.load(pa, 16), v128.load(pb, 16)) : f32x4.sub(v128.load(pa, 16), v128.load(pb, 16));
  const e = ADD ? f32x4.add(v128.load(pa, 8), v128.load(pb, 8)) : f32x4.sub(v128.load(pa, 8), v128.load(pb, 8));
  const f = ADD ? f32x4.add(v128.load(pa, 24), v128.load(pb, 24)) : f32x4.sub(v128.load(pa, 24), v128.load(pb, 24));
  const d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6), d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
  const d2 = v128.shuffle<f32>(e, f, 0, 2, 4, 6), d3 = v128.shuffle<f32>(e, f, 1, 3, 5, 7);
  v128.store(v, f32x4.sub(d0, d2));
  v128.store(v + vStep, f32x4.add(d1, d2));
  v128.store(v + 2 * vStep, f32x4.sub(d2, d1));
  v128.store(v + 3 * vStep, f32x4.sub(d1, d3));
}

/**
 * M[xi][r][h] = sum_c U[xi, o + r, c] V[xi, c][h] for r < R (R a literal 1..4) and both groups h of
 * four tiles (2 R chains; V[xi][c] is two v128), then Y = A^T M A of each of the R channels and
 * both groups into the output planes. Ub: this block's kernels, [xi][c][R] (R splat loads at
 * immediate offsets per c, each used twice).
 */
// @ts-ignore: decorator
@inline function products(V: usize, Ub: usize, Cin: i32, M: usize, R: i32, out: usize, outPlane: i32, So: i32): void {
  for (let xi = 0; xi < 16; xi++) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
    let u = Ub + F(xi * Cin * R), v = V + (<usize>(xi * Cin) << 5);
    for (let c = 0; c < Cin; c++) {
      const x = v128.load(v), y = v128.load(v, 16);
      const s0 = v128.load32_splat(u);
      a0 = f32x4.add(a0, f32x4.mul(s0, x)); b0 = f32x4.add(b0, f32x4.mul(s0, y));
      if (R > 1) {
        const s1 = v128.load32_splat(u, 4);
        a1 = f32x4.add(a1, f32x4.mul(s1, x)); b1 = f32x4.add(b1, f32x4.mul(s1, y));
      }
      if (R > 2) {
        const s2 = v128.load32_splat(u, 8);
        a2 = f32x4.add(a2, f32x4.mul(s2, x)); b2 = f32x4.add(b2, f32x4.mul(s2, y));
      }
      if (R > 3) {
        const s3 = v128.load32_splat(u, 12);
        a3 = f32x4.add(a3, f32x4.mul(s3, x)); b3 = f32x4.add(b3, f32x4.mul(s3, y));
      }
      u += <usize>R << 2; v += 32;
    }
    // M[xi][r][h] at M + 128 xi + 32 r + 16 h bytes
    const m = M + (<usize>xi << 7);
    v128.store(m, a0); v128.store(m, b0, 16); v128.store(m, a1, 32); v128.store(m, b1, 48);
    v128.store(m, a2, 64); v128.store(m, b2, 80); v128.store(m, a3, 96); v128.store(m, b3, 112);
  }
  for (let r = 0; r < R; r++) {
    const o = out + F(r * outPlane);
    outputTransform(M + (<usize>r << 5), o, So);
    outputTransform(M + (<usize>r << 5) + 16, o + F(8), So);
  }
}

/** Y = A^T M A of four tiles (M[xi] at m + 128 xi): rows 2 ty, 2 ty + 1 of 8 columns at out (stride So). */
// @ts-ignore: decorator
@inline function outputTransform(m: usize, out: usize, So: i32): void {
  // rows of A^T M: s0j = (m0j + m1j) + m2j, s1j = (m1j - m2j) - m3j
  const m00 = v128.load(m), m01 = v128.load(m, 128), m02 = v128.load(m, 256), m03 = v128.load(m, 384);
  const m10 = v128.load(m, 512), m11 = v128.load(m, 640), m12 = v128.load(m, 768), m13 = v128.load(m, 896);
  const m20 = v128.load(m, 1024), m21 = v128.load(m, 1152), m22 = v128.load(m, 1280), m23 = v128.load(m, 1408);
  const m30 = v128.load(m, 1536), m31 = v128.load(m, 1664), m32 = v128.load(m, 1792), m33 = v128.load(m, 1920);
  const s00 = f32x4.add(f32x4.add(m00, m10), m20), s01 = f32x4.add(f32x4.add(m01, m11), m21);
  const s02 = f32x4.add(f32x4.add(m02, m12), m22), s03 = f32x4.add(f32x4.add(m03, m13), m23);
  const s10 = f32x4.sub(f32x4.sub(m10, m20), m30), s11 = f32x4.sub(f32x4.sub(m11, m21), m31);
  const s12 = f32x4.sub(f32x4.sub(m12, m22), m32), s13 = f32x4.sub(f32x4.sub(m13, m23), m33);
  // columns: y_a0 = (s_a0 + s_a1) + s_a2, y_a1 = (s_a1 - s_a2) - s_a3; lanes are tiles -> interleave
  const y00 = f32x4.add(f32x4.add(s00, s01), s02), y01 = f32x4.sub(f32x4.sub(s01, s02), s03);
  const y10 = f32x4.add(f32x4.add(s10, s11), s12), y11 = f32x4.sub(f32x4.sub(s11, s12), s13);
  v128.store(out, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5));
  v128.store(out, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), 16);
  const r1 = out + F(So);
  v128.store(r1, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5));
  v128.store(r1, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), 16);
}
