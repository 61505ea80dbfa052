// The demo page: trains the toy 1D SDE-BNN a few updates per frame and redraws its posterior; and
// classifies a digit drawn on a canvas with the committed small MNIST checkpoint.
// window.__demo exposes progress for the headless test.
import * as sdebnn from "../dist/advanced.js";

const state = (window.__demo = { ready: false, step: 0, losses: [], digit: null, error: null });
window.addEventListener("error", (e) => { state.error = String(e.error?.stack ?? e.message); });

// ---- 1D regression ------------------------------------------------------------------------------
const UPDATES = 3000, FRAME_MS = 40, X_RANGE = [-2, 10], Y_RANGE = [-2.5, 2.5];
const plot = document.getElementById("plot"), ctx = plot.getContext("2d");
let run = null, paused = false;

async function startTraining() {
  const rt = await sdebnn.init();
  // the toy1d preset (the tabular kind on its embedded points), smaller, trained step by step by the package's one trainer
  const cfg = sdebnn.resolvePreset("toy1d", undefined, ["model.width=32", "model.nnHidden=32", "model.steps=10", "train.samples=4",
    `train.epochs=${UPDATES}`, "train.lr=1e-2", "train.schedule=cosine", "train.minLr=1e-3"]);
  const examples = sdebnn.KINDS.tabular.embeddedData(rt, cfg).train;
  const trainer = new sdebnn.Trainer(rt, cfg, examples);
  // the training points in raw x (the examples hold x standardised by the config's schema)
  const { center, scale } = cfg.data.schema.features[0], rows = examples.rows;
  run = { rt, trainer, cfg, data: { x: Array.from(rows.x, (v) => v * scale + center), y: rows.y }, step: 0 };
  state.step = 0;
  state.losses = [];
}

function px(x, y) {
  return [((x - X_RANGE[0]) / (X_RANGE[1] - X_RANGE[0])) * plot.width, plot.height - ((y - Y_RANGE[0]) / (Y_RANGE[1] - Y_RANGE[0])) * plot.height];
}

function redraw() {
  const { rt, trainer, cfg, data } = run;
  const p = sdebnn.predictiveBand(rt, trainer.model, cfg, { samples: 24, points: 121, range: X_RANGE, draw: 0 });
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, plot.width, plot.height);
  ctx.fillStyle = "#d5d9e0";
  ctx.beginPath();
  p.x.forEach((x, i) => ctx.lineTo(...px(x, p.mean[i] + 1.96 * p.stdPredictive[i])));
  for (let i = p.x.length - 1; i >= 0; i--) ctx.lineTo(...px(p.x[i], p.mean[i] - 1.96 * p.stdPredictive[i]));
  ctx.fill();
  ctx.strokeStyle = "rgba(59, 111, 182, 0.55)";
  ctx.lineWidth = 1.2;
  for (const f of p.samples) {
    ctx.beginPath();
    p.x.forEach((x, i) => ctx.lineTo(...px(x, f[i])));
    ctx.stroke();
  }
  ctx.strokeStyle = "#1d3557";
  ctx.lineWidth = 2;
  ctx.beginPath();
  p.x.forEach((x, i) => ctx.lineTo(...px(x, p.mean[i])));
  ctx.stroke();
  ctx.fillStyle = "#c0392b";
  data.x.forEach((x, i) => { const [u, v] = px(x, data.y[i]); ctx.beginPath(); ctx.arc(u, v, 3, 0, 2 * Math.PI); ctx.fill(); });
  const recent = state.losses.slice(-50);
  const avg = recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length);
  document.getElementById("status").textContent = `update ${run.step} / ${UPDATES}, loss (mean of last ${recent.length}) ${avg.toFixed(3)}`;
}

function frame() {
  if (run && !paused && run.step < UPDATES) {
    const t0 = performance.now();
    do {
      const st = run.trainer.trainStep();
      run.step++;
      state.losses.push(st.loss);
    } while (performance.now() - t0 < FRAME_MS && run.step < UPDATES);
    state.step = run.step;
    redraw();
  }
  requestAnimationFrame(frame);
}

document.getElementById("pause").onclick = (e) => { paused = !paused; e.target.textContent = paused ? "resume" : "pause"; };
document.getElementById("restart").onclick = () => { startTraining().then(redraw); };

// ---- MNIST box ----------------------------------------------------------------------------------
const draw = document.getElementById("draw"), dctx = draw.getContext("2d");
let classifier = null, drawing = false, last = null;

function clearBox() {
  dctx.fillStyle = "#000";
  dctx.fillRect(0, 0, draw.width, draw.height);
  state.digit = null;
  document.getElementById("bars").replaceChildren();
  document.getElementById("uncertainty").textContent = "draw a digit (0–9) in the black box";
}

/** MNIST-style input: the drawing's bounding box scaled to fit 20x20, its centre of mass at the centre of 28x28, values in [0, 1]. */
function digitPixels() {
  const img = dctx.getImageData(0, 0, draw.width, draw.height).data;
  let x0 = draw.width, y0 = draw.height, x1 = -1, y1 = -1;
  for (let y = 0; y < draw.height; y++) for (let x = 0; x < draw.width; x++) {
    if (img[4 * (y * draw.width + x)] > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 1, h = y1 - y0 + 1, s = 20 / Math.max(w, h);
  const small = document.createElement("canvas");
  small.width = small.height = 28;
  const sctx = small.getContext("2d");
  const render = (dx, dy) => {
    sctx.fillStyle = "#000";
    sctx.fillRect(0, 0, 28, 28);
    sctx.imageSmoothingQuality = "high";
    sctx.drawImage(draw, x0, y0, w, h, 14 - (w * s) / 2 + dx, 14 - (h * s) / 2 + dy, w * s, h * s);
    return sctx.getImageData(0, 0, 28, 28).data;
  };
  let d = render(0, 0), m = 0, mx = 0, my = 0;
  for (let i = 0; i < 784; i++) { m += d[4 * i]; mx += d[4 * i] * (i % 28); my += d[4 * i] * Math.floor(i / 28); }
  d = render(Math.round(13.5 - mx / m), Math.round(13.5 - my / m));
  return Float32Array.from({ length: 784 }, (_, i) => d[4 * i] / 255);
}

function classify() {
  const pixels = classifier && digitPixels();
  if (!pixels) return;
  const p = classifier.predict(pixels, { samples: 16 });
  const probs = Array.from(p.probs);
  let best = 0;
  probs.forEach((q, k) => { if (q > probs[best]) best = k; });
  state.digit = { probs, prediction: best, entropy: p.entropy[0], mutualInformation: p.mutualInformation[0] };
  document.getElementById("bars").replaceChildren(...probs.map((q, k) => {
    const row = document.createElement("div");
    row.className = k === best ? "bar top" : "bar";
    row.innerHTML = `<span>${k}</span><div style="width:${Math.round(q * 220)}px"></div><span>${(100 * q).toFixed(1)} %</span>`;
    return row;
  }));
  document.getElementById("uncertainty").textContent =
    `prediction ${best}; entropy ${p.entropy[0].toFixed(3)} nats, mutual information ${p.mutualInformation[0].toFixed(3)} nats`;
}

draw.addEventListener("pointerdown", (e) => { drawing = true; last = [e.offsetX, e.offsetY]; draw.setPointerCapture(e.pointerId); });
draw.addEventListener("pointermove", (e) => {
  if (!drawing) return;
  dctx.strokeStyle = "#fff";
  dctx.lineWidth = 22;
  dctx.lineCap = "round";
  dctx.beginPath();
  dctx.moveTo(...last);
  dctx.lineTo(e.offsetX, e.offsetY);
  dctx.stroke();
  last = [e.offsetX, e.offsetY];
});
draw.addEventListener("pointerup", () => { drawing = false; classify(); });
document.getElementById("clear").onclick = clearBox;

// ---- start ----------------------------------------------------------------------------------------
try {
  clearBox();
  await startTraining();
  redraw();
  requestAnimationFrame(frame);
  const rt = await sdebnn.init();
  const ck = new Uint8Array(await (await fetch(new URL("./mnist-small.safetensors", import.meta.url))).arrayBuffer());
  classifier = await sdebnn.loadModel(rt, ck);
  state.ready = true;
} catch (e) {
  state.error = String(e?.stack ?? e);
  document.getElementById("status").textContent = `error: ${e}`;
}
