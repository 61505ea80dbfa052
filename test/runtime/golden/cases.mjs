// Golden cases run identically in Node, Deno and Chromium: each returns a typed array whose
// bytes must agree bit for bit across runtimes. Inputs come from integer hashing only
// (no floating point in JS), so every runtime feeds the wasm the same bits.
// Add a case per kernel family: { name, run(rt, sdebnn) -> TypedArray }.

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
    name: "activations: softplus/sigmoid/tanh/relu forward+backward, swish forward+backward (x in [-8, 8))",
    run(rt) {
      const rows = 9, units = 37, n = rows * units; // odd sizes: SIMD blocks and scalar tails
      const xs = hashInputs(n, 3).map((v) => v * 8);
      const x = rt.arena.f32From(xs), dy = rt.arena.f32From(hashInputs(n, 4));
      const beta = rt.arena.f32From(hashInputs(units, 5));
      const parts = [];
      for (const k of ["softplus", "sigmoid", "tanh", "relu"]) {
        const y = rt.arena.f32(n), dx = rt.arena.f32(n);
        rt.wasm[`${k}_forward`](x.ptr, y.ptr, n);
        rt.wasm[`${k}_backward`](x.ptr, dy.ptr, dx.ptr, n);
        parts.push(y.toArray(), dx.toArray());
      }
      const y = rt.arena.f32(n), dx = rt.arena.f32(n), db = rt.arena.f32(units);
      rt.wasm.swish_forward(x.ptr, beta.ptr, y.ptr, rows, units);
      rt.wasm.swish_backward(x.ptr, beta.ptr, dy.ptr, dx.ptr, db.ptr, rows, units, 0);
      parts.push(y.toArray(), dx.toArray(), db.toArray());
      return concat(parts);
    },
  },
  {
    name: "math library: exp, log, log1p over wide ranges",
    run(rt) {
      const n = 4099;
      const x = rt.arena.f32From(hashInputs(n, 6).map((v) => v * 100));
      const pos = rt.arena.f32From(hashInputs(n, 7).map((v) => Math.abs(v) * 1e6));
      const parts = [];
      for (const [fn, src] of [[0, x], [1, pos], [2, pos]]) {
        const y = rt.arena.f32(n);
        rt.wasm.math_map(fn, src.ptr, y.ptr, n, 0);
        parts.push(y.toArray());
      }
      return concat(parts);
    },
  },
  {
    name: "ConcatSquashLinear forward + backward (rows 7, in 13, out 19) and dense",
    run(rt) {
      const rows = 7, nin = 13, nout = 19, t = 0.375;
      const x = rt.arena.f32From(hashInputs(rows * nin, 8)), W = rt.arena.f32From(hashInputs(nin * nout, 9));
      const [b, a, c, d] = [10, 11, 12, 13].map((s) => rt.arena.f32From(hashInputs(nout, s)));
      const y = rt.arena.f32(rows * nout), z = rt.arena.f32(rows * nout), dy = rt.arena.f32From(hashInputs(rows * nout, 14));
      rt.wasm.csl_forward(x.ptr, W.ptr, b.ptr, a.ptr, c.ptr, d.ptr, t, y.ptr, z.ptr, rows, nin, nout);
      const dx = rt.arena.f32(rows * nin), dW = rt.arena.f32(nin * nout), scratch = rt.arena.f32(rows * nout);
      const [db, da, dc, dd] = [0, 1, 2, 3].map(() => rt.arena.f32(nout));
      const dt = rt.wasm.csl_backward(x.ptr, W.ptr, a.ptr, c.ptr, d.ptr, t, z.ptr, dy.ptr, dx.ptr, dW.ptr, db.ptr,
        da.ptr, dc.ptr, dd.ptr, scratch.ptr, rows, nin, nout, 0);
      const yd = rt.arena.f32(rows * nout), dxd = rt.arena.f32(rows * nin), dWd = rt.arena.f32(nin * nout), dbd = rt.arena.f32(nout);
      rt.wasm.dense_forward(x.ptr, W.ptr, b.ptr, yd.ptr, rows, nin, nout);
      rt.wasm.dense_backward(x.ptr, W.ptr, dy.ptr, dxd.ptr, dWd.ptr, dbd.ptr, rows, nin, nout, 0);
      return concat([y, z, dx, dW, db, da, dc, dd, yd, dxd, dWd, dbd].map((q) => q.toArray()).concat([new Float32Array([dt])]));
    },
  },
  {
    name: "Bayesian dense + KL, log-softmax + NLL (rows 5, in 11, classes 10)",
    run(rt) {
      const rows = 5, nin = 11, nout = 10, nw = nin * nout;
      const x = rt.arena.f32From(hashInputs(rows * nin, 15));
      const muW = rt.arena.f32From(hashInputs(nw, 16)), lsW = rt.arena.f32From(hashInputs(nw, 17).map((v) => v - 4));
      const epsW = rt.arena.f32From(hashInputs(nw, 18)), muB = rt.arena.f32From(hashInputs(nout, 19));
      const lsB = rt.arena.f32From(hashInputs(nout, 20).map((v) => v - 4)), epsB = rt.arena.f32From(hashInputs(nout, 21));
      const Ws = rt.arena.f32(nw), bs = rt.arena.f32(nout), y = rt.arena.f32(rows * nout);
      rt.wasm.bayes_dense_forward(x.ptr, muW.ptr, lsW.ptr, epsW.ptr, muB.ptr, lsB.ptr, epsB.ptr, Ws.ptr, bs.ptr, y.ptr, rows, nin, nout);
      const labels = rt.arena.alloc(rows * 4);
      new Int32Array(rt.memory.buffer, labels, rows).set([3, 0, 9, 5, 5]);
      const lp = rt.arena.f32(rows * nout), dz = rt.arena.f32(rows * nout);
      rt.wasm.log_softmax_forward(y.ptr, lp.ptr, rows, nout);
      const nll = rt.wasm.softmax_nll(y.ptr, labels, dz.ptr, rows, nout);
      const dx = rt.arena.f32(rows * nin), g = [nw, nw, nout, nout].map((k) => rt.arena.f32(k)), scratch = rt.arena.f32(nw + nout);
      rt.wasm.bayes_dense_backward(x.ptr, lsW.ptr, epsW.ptr, lsB.ptr, epsB.ptr, Ws.ptr, dz.ptr, dx.ptr,
        g[0].ptr, g[1].ptr, g[2].ptr, g[3].ptr, scratch.ptr, rows, nin, nout, 0);
      const kl = rt.wasm.gaussian_kl(muW.ptr, lsW.ptr, nw, 0.1);
      rt.wasm.gaussian_kl_backward(muW.ptr, lsW.ptr, nw, 0.1, 1e-3, g[0].ptr, g[1].ptr, 1);
      return concat([y, lp, dz, dx, ...g].map((q) => q.toArray()).concat([new Float32Array([nll, kl])]));
    },
  },
  {
    name: "Adam (L2 and decoupled) x 5 steps and EMA over 1027 parameters",
    run(rt) {
      const n = 1027;
      const p = rt.arena.f32From(hashInputs(n, 22)), m = rt.arena.f32(n), v = rt.arena.f32(n), g = rt.arena.f32(n);
      const ema = rt.arena.f32From(p.view);
      for (let step = 1; step <= 5; step++) {
        g.view.set(hashInputs(n, 30 + step));
        rt.wasm.adam_step(p.ptr, g.ptr, m.ptr, v.ptr, n, 1e-3, 0.9, 0.999, 1e-8, 0.01, step % 2, step);
        rt.wasm.ema_update(ema.ptr, p.ptr, n, 0.999);
      }
      return concat([p, m, v, ema].map((q) => q.toArray()));
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

function concat(parts) {
  const out = new Float32Array(parts.reduce((s, q) => s + q.length, 0));
  let o = 0;
  for (const q of parts) { out.set(q, o); o += q.length; }
  return out;
}

/** End-to-end cases through the public API (the package's own orchestration in every runtime). */
cases.push(
  {
    name: "training: 3 Adam updates of a small toy 1D SDE-BNN (every weight diffuses, STL KL, 4 MC samples), then predictions",
    run(rt, sdebnn) {
      const cfg = sdebnn.resolvePreset("toy1d", undefined, ["seed=7", "model.width=8", "model.nnHidden=8", "model.steps=6", "model.kl=stl", "model.stochastic=all", "model.w0=point",
        "train.samples=4", "train.epochs=3", "train.lr=1e-2"]);
      const trainer = new sdebnn.Trainer(rt, cfg, sdebnn.KINDS.tabular.embeddedData(rt, cfg).train);
      const losses = [];
      for (let k = 0; k < 3; k++) losses.push(trainer.trainStep().loss);
      const x = sdebnn.KINDS.tabular.encodeInputs(cfg, [-1, 0, 1, 4, 7.5]); // x - 4 (the preset's data.toy1d center and scale)
      const f = sdebnn.predictRows(rt, trainer.model, "regression", x, { samples: 3, batch: 8, perSample: true }).sampleOutputs;
      const o = trainer.opt;
      return concat([o.params.toArray(), o.m.toArray(), o.v.toArray(), new Float32Array(losses), f]);
    },
  },
);

/**
 * Golden training runs: a fixed seed and a fixed number of updates in every runtime; each returns
 * the checkpoint bytes (compared by SHA-256) and the predictions on a fixed input.
 * `fixtures.mnist` holds the first 128 MNIST training images and labels (read by the Node test).
 */
export const GOLDEN_TOY1D = "golden training: toy1d, 5 Adam updates (width 8, 6 steps, 4 MC samples, last layer diffuses, mean-field w_0)";
export const GOLDEN_MNIST = "golden training: MNIST first 128 images, width-4 model, 6 updates of batch 16";


/**
 * The golden inference case: the inference path (what sdebnn/infer runs) on the MNIST golden
 * checkpoint's bytes, 8 images, 4 samples -> probabilities, entropy and MI in one array. Also run
 * alone by runtimes that only serve inference (workerd), with `sdebnn` = sdebnn/infer.
 */
export async function goldenInference(sdebnn, rt, checkpoint, pixels) {
  const classifier = await sdebnn.loadModel(rt, checkpoint);
  const p = classifier.predict(pixels.subarray(0, 8 * 784), { samples: 4 });
  return concat([p.probs, p.entropy, p.mutualInformation]);
}

export const trainingCases = [
  {
    name: GOLDEN_TOY1D,
    async run(rt, sdebnn) {
      const cfg = sdebnn.resolvePreset("toy1d", undefined, ["seed=11", "model.width=8", "model.nnHidden=8", "model.steps=6",
        "train.samples=4", "train.epochs=5", "train.lr=1e-2", "eval.samples=16"]);
      const trainer = new sdebnn.Trainer(rt, cfg, sdebnn.KINDS.tabular.embeddedData(rt, cfg).train);
      while (!trainer.done) trainer.trainStep();
      const checkpoint = await sdebnn.encodeCheckpoint(trainer.stateTensors(), { config: cfg, seed: cfg.seed, step: trainer.step });
      const model = await sdebnn.loadModel(rt, checkpoint);
      const p = model.predict([-6, -1, 0, 1, 2.5, 4, 7.5]);
      return { checkpoint, predictions: concat([p.mean, p.epistemicStd, p.std]) };
    },
  },
  {
    name: GOLDEN_MNIST,
    async run(rt, sdebnn, fixtures) {
      const { pixels, labels } = fixtures.mnist;
      const set = { count: labels.length, channels: 1, height: 28, width: 28, pixels, labels, numClasses: 10 };
      const cfg = sdebnn.resolvePreset("mnist", undefined, ["seed=5", "model.hidden=4", "model.nnHidden=4", "model.steps=4",
        "model.augment=0", "train.batch=16", "train.maxSteps=6", "train.emaDecay=0.9", "data.valFraction=0", "eval.batch=16"]);
      const trainer = new sdebnn.Trainer(rt, cfg, sdebnn.imageExamples(set));
      while (!trainer.done) trainer.trainStep();
      const checkpoint = await sdebnn.encodeCheckpoint(trainer.stateTensors(), { config: cfg, seed: cfg.seed, step: trainer.step });
      return { checkpoint, predictions: await goldenInference(sdebnn, rt, checkpoint, pixels) };
    },
  },
];

export async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The fixture file's bytes from an MNIST training set ({ pixels, labels }): the first `n` images, then their labels. */
export function mnistFixtureBytes(train, n = 128) {
  const out = new Uint8Array(n * 785);
  out.set(train.pixels.subarray(0, n * 784));
  out.set(train.labels.subarray(0, n), n * 784);
  return out;
}

/** The first 128 MNIST training images and labels from the fixture file: pixels (128 x 784) then labels (128). */
export function mnistFixture(bytes) {
  const n = bytes.length / 785;
  return { pixels: bytes.subarray(0, n * 784), labels: bytes.subarray(n * 784) };
}

/**
 * Runs every case on a fresh instance built from `wasmBytes` and returns
 * { wasmSha256, results: { [case]: sha256 of its output bytes }, samples: last values }
 * (and `outputs: { [case]: bytes }` with `keep`). A case returning several arrays
 * ({ checkpoint, predictions }) gives one result per part.
 */
export async function goldenRun(sdebnn, wasmBytes, fixtures, { keep = false } = {}) {
  const module = await WebAssembly.compile(wasmBytes);
  const results = {};
  const samples = {};
  const outputs = {};
  for (const c of [...cases, ...trainingCases]) {
    const rt = await sdebnn.init(module);
    const out = await c.run(rt, sdebnn, fixtures);
    const parts = ArrayBuffer.isView(out) ? { "": out } : out;
    for (const [part, arr] of Object.entries(parts)) {
      const key = part ? `${c.name} / ${part}` : c.name;
      const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
      results[key] = await sha256Hex(bytes);
      if (keep) outputs[key] = bytes;
      samples[key] = Array.from(arr.subarray(arr.length - 4));
    }
  }
  return { wasmSha256: await sha256Hex(wasmBytes), results, samples, ...(keep ? { outputs } : {}) };
}
