// Golden cases run identically in Node, Deno and Chromium: each returns a typed array whose
// bytes must agree bit for bit across runtimes. Inputs come from integer hashing only
// (no floating point in JS), so every runtime feeds the wasm the same bits.
// Add a case per kernel family: { name, run(rt) -> TypedArray }.

/** Deterministic f32 inputs in [-1, 1) from a 32-bit integer hash (lowbias32). */
export function hashInputs(n, seed) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let x = (i + Math.imul(seed, 0x9e3779b9)) >>> 0;
    x ^= x >>> 16; x = Math.imul(x, 0x7feb352d); x ^= x >>> 15; x = Math.imul(x, 0x846ca68b); x ^= x >>> 16;
    out[i] = ((x >>> 8) - 8388608) / 8388608; // exact: 24-bit integer scaled by a power of two
  }
  return out;
}

export const cases = [
  {
    name: "reduce: dot, sum, axpy, scale over 10007 elements",
    run(rt) {
      const n = 10007;
      const x = rt.arena.f32From(hashInputs(n, 1));
      const y = rt.arena.f32From(hashInputs(n, 2));
      const dot = rt.wasm.vec_dot(x.ptr, y.ptr, n);
      rt.wasm.vec_axpy(dot, x.ptr, y.ptr, n);
      rt.wasm.vec_scale(0.3, y.ptr, n);
      const sum = rt.wasm.vec_sum(y.ptr, n);
      const out = new Float32Array(n + 2);
      out.set(y.view);
      out[n] = dot;
      out[n + 1] = sum;
      return out;
    },
  },
  {
    name: "rng: philox4x32-10 words of 1001 blocks",
    run(rt) {
      const p = rt.arena.alloc(16 * 1001);
      rt.wasm.rng_philox(0xdeadbeef, 42, 0xfffffff0, 1, 2, 3, 1001, p);
      return new Uint32Array(rt.memory.buffer, p, 4 * 1001).slice();
    },
  },
  {
    name: "rng: 10007 standard normals from element 5, scaled by 0.75",
    run(rt) {
      const out = rt.arena.f32(10007);
      rt.wasm.rng_normal(2024, 7, 3, 0, 9, 5, 10007, 0.75, out.ptr);
      return out.toArray();
    },
  },
  {
    name: "brownian: grid increments [7][33], a 5-step sum and a Levy area",
    run(rt) {
      const D = 33, out = rt.arena.f32(7 * D + 2 * D);
      rt.wasm.brownian_grid(11, 3, 100, 7, D, 0.01, out.ptr);
      rt.wasm.brownian_grid_sum(11, 3, 100, 5, D, 0.01, out.ptr + 4 * 7 * D);
      rt.wasm.brownian_grid_levy(11, 3, 104, D, 0.01, out.ptr + 4 * 8 * D);
      return out.toArray();
    },
  },
  {
    name: "brownian: virtual tree W and H over 6 intervals (depth 20, D = 9)",
    run(rt) {
      const D = 9, qs = [[0, 1], [0.1, 0.37], [0.25, 0.5], [0.3, 0.3001], [0.999, 2], [1.5, 2]];
      const out = rt.arena.f32(2 * D * qs.length);
      qs.forEach(([s, t], k) => {
        rt.wasm.brownian_tree(5, 6, 20, D, 0, 2, s, t, out.ptr + 8 * D * k, out.ptr + 8 * D * k + 4 * D);
      });
      return out.toArray();
    },
  },
];

async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Runs every case on a fresh instance built from `wasmBytes` and returns
 * { wasmSha256, results: { [case]: sha256 of its output bytes }, sample: first values }.
 */
export async function goldenRun(sdebnn, wasmBytes) {
  const module = await WebAssembly.compile(wasmBytes);
  const results = {};
  const samples = {};
  for (const c of cases) {
    const rt = await sdebnn.init(module);
    const out = c.run(rt);
    results[c.name] = await sha256Hex(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    samples[c.name] = Array.from(out.subarray(out.length - 4));
  }
  return { wasmSha256: await sha256Hex(wasmBytes), results, samples };
}
