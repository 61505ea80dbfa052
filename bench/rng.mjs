// Random numbers and Brownian paths: wasm Philox4x32-10 + f32x4 Box-Muller against a plain JS
// Box-Muller over Math.random, measured in the same run (interleaved repetitions, medians).
//   node bench/rng.mjs [--reps 31]
import { init, VirtualBrownianTree } from "../dist/advanced.js";

const args = process.argv.slice(2);
const REPS = Number(args[args.indexOf("--reps") + 1]) || 31;
const rt = await init();
const w = rt.wasm;

function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; }
const now = () => performance.now();

/** Runs every case once per repetition, in turn, and returns median ms per call for each. */
function measure(cases) {
  const times = cases.map(() => []);
  for (const c of cases) for (let i = 0; i < 3; i++) c.run(); // warm-up
  for (let r = 0; r < REPS; r++) {
    cases.forEach((c, i) => {
      const t = now();
      for (let k = 0; k < c.inner; k++) c.run();
      times[i].push((now() - t) / c.inner);
    });
  }
  return times.map(median);
}

const N = 1 << 16;
const zbuf = rt.arena.f32(N, false);
const jsOut = new Float32Array(N);
let counter = 0;
function jsBoxMuller(out) {
  for (let i = 0; i + 1 < out.length; i += 2) {
    const u1 = 1 - Math.random(), u2 = Math.random();
    const r = Math.sqrt(-2 * Math.log(u1)), a = 2 * Math.PI * u2;
    out[i] = r * Math.cos(a);
    out[i + 1] = r * Math.sin(a);
  }
}
const words = rt.arena.alloc(4 * N);
const jsWords = new Uint32Array(N);

const gaussian = measure([
  { name: "wasm normals (Philox + f32x4 Box-Muller)", inner: 8, run: () => w.rng_normal(1, 2, counter++, 0, 0, 0, N, 1, zbuf.ptr) },
  { name: "JS Box-Muller over Math.random", inner: 8, run: () => jsBoxMuller(jsOut) },
  { name: "wasm Philox4x32-10 words", inner: 8, run: () => w.rng_philox(1, 2, 0, counter++, 0, 0, N / 4, words) },
  { name: "JS Math.random words", inner: 8, run: () => { for (let i = 0; i < N; i++) jsWords[i] = Math.random() * 4294967296 >>> 0; } },
]);

// Tree queries at depth 20: random [s, t] in [0, 1], D = 1 and D = 16.
const Q = 2000;
const qs = new Float64Array(2 * Q);
let seed = 1;
const lcg = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
for (let i = 0; i < Q; i++) { const a = lcg(), b = lcg(); qs[2 * i] = Math.min(a, b); qs[2 * i + 1] = Math.max(a, b); }
const outW = rt.arena.f32(16), outH = rt.arena.f32(16);
const tree1 = new VirtualBrownianTree(rt, { seed: 3, dim: 1, depth: 20 });
const tree = measure([
  { name: "tree W+H query, depth 20, D = 1 (kernel)", inner: 1, run: () => { for (let i = 0; i < Q; i++) w.brownian_tree(3, 0, 20, 1, 0, 1, qs[2 * i], qs[2 * i + 1], outW.ptr, outH.ptr); } },
  { name: "tree W+H query, depth 20, D = 1 (VirtualBrownianTree)", inner: 1, run: () => { for (let i = 0; i < Q; i++) tree1.incrementAndLevyArea(qs[2 * i], qs[2 * i + 1], outW, outH); } },
  { name: "tree W+H query, depth 20, D = 16 (kernel)", inner: 1, run: () => { for (let i = 0; i < Q; i++) w.brownian_tree(3, 0, 20, 16, 0, 1, qs[2 * i], qs[2 * i + 1], outW.ptr, outH.ptr); } },
]);

// Fixed-grid increments: one step of a D = 4096 path (the SDE-BNN weight noise of one solver step).
const G = 4096, gbuf = rt.arena.f32(G, false);
let step = 0;
const grid = measure([{ name: "grid step increment, D = 4096", inner: 16, run: () => w.brownian_grid(3, 0, step++, 1, G, 0.05, gbuf.ptr) }]);

const fmt = (x) => x >= 1e9 ? (x / 1e9).toFixed(2) + " G" : x >= 1e6 ? (x / 1e6).toFixed(1) + " M" : (x / 1e3).toFixed(1) + " k";
const rows = [
  ["wasm normals (Philox + f32x4 Box-Muller)", gaussian[0], N, "normals/s", gaussian[1]],
  ["JS Box-Muller over Math.random", gaussian[1], N, "normals/s", gaussian[1]],
  ["wasm Philox4x32-10 words", gaussian[2], N, "words/s", gaussian[3]],
  ["JS Math.random -> u32 words", gaussian[3], N, "words/s", gaussian[3]],
  ["tree W+H, depth 20, D=1 (kernel)", tree[0], Q, "queries/s", null],
  ["tree W+H, depth 20, D=1 (VirtualBrownianTree)", tree[1], Q, "queries/s", null],
  ["tree W+H, depth 20, D=16 (kernel)", tree[2], Q, "queries/s", null],
  ["grid step, D=4096", grid[0], G, "normals/s", gaussian[1]],
];
console.log(`node ${process.version}, ${REPS} repetitions, medians`);
console.log("| case | median ms/call | items/call | throughput | vs JS peer |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, ms, items, unit, peer] of rows) {
  // the JS peers produce N items per call
  const ratio = peer === null ? "" : `${((items / ms) / (N / peer)).toFixed(2)}x`;
  console.log(`| ${name} | ${ms.toFixed(4)} | ${items} | ${fmt(items / ms * 1e3)} ${unit} | ${ratio} |`);
}
