// `sdebnn predict`: class probabilities, predictive entropy and mutual information per image.
import { init } from "../node.js";
import { UsageError, type FlagValue } from "./args.js";
import { DataError } from "../runtime/errors.js";
import { parseJsonStrict } from "../config/strict_json.js";
import { readFileChecked } from "../node/files.js";
import { assertFiniteOutputs, assertFiniteTensors } from "../checkpoint/finite.js";
import { decodeCheckpoint } from "../checkpoint/safetensors.js";
import { loadImageModel } from "../models/image_checkpoint.js";
import { predictImageSet } from "../models/image_predict.js";
import { decodePngGrey } from "../data/png.js";
import { parseMnistImages } from "../data/idx.js";
import { maybeGunzipSync } from "../node/gzip.js";
import type { ImageSet } from "../data/dataset.js";

interface Shape { channels: number; height: number; width: number }

/** JSON input: one image [rows][cols] or several [[rows][cols], ...]; values in [0, 1] or integers 0..255. */
export function imagesFromJson(value: unknown, s: Shape, name: string): Uint8Array {
  const list = Array.isArray(value) && Array.isArray(value[0]) && Array.isArray((value[0] as unknown[])[0]) ? value as unknown[] : [value];
  const per = s.height * s.width;
  if (s.channels !== 1) throw new DataError(`${name}: JSON input supports single-channel models, this one has ${s.channels} channels`);
  const out = new Uint8Array(list.length * per);
  list.forEach((img, n) => {
    if (!Array.isArray(img) || img.length !== s.height) throw new DataError(`${name}: image ${n}: expected ${s.height} rows, got ${Array.isArray(img) ? img.length : typeof img}`);
    const flat = (img as unknown[]).flatMap((row, i) => {
      if (!Array.isArray(row) || row.length !== s.width) throw new DataError(`${name}: image ${n} row ${i}: expected ${s.width} values, got ${Array.isArray(row) ? row.length : typeof row}`);
      return row as unknown[];
    });
    const unit = flat.every((v) => typeof v === "number" && v >= 0 && v <= 1) && flat.some((v) => !Number.isInteger(v));
    flat.forEach((v, k) => {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 255) throw new DataError(`${name}: image ${n} pixel ${k}: expected a number in [0, 1] or 0..255, got ${JSON.stringify(v)}`);
      out[n * per + k] = unit ? Math.round(v * 255) : Math.round(v);
    });
  });
  return out;
}

async function readImages(path: string, s: Shape): Promise<Uint8Array> {
  const bytes = readFileChecked(path, { what: "input" });
  if (path.endsWith(".png")) {
    const img = await decodePngGrey(bytes, path);
    if (img.width !== s.width || img.height !== s.height || s.channels !== 1) {
      throw new DataError(`${path}: expected a ${s.width}x${s.height} image for this ${s.channels}-channel model, got ${img.width}x${img.height}`);
    }
    return img.pixels;
  }
  if (path.endsWith(".json")) {
    // [images][rows][values]: 3 levels
    const v = parseJsonStrict(new TextDecoder().decode(bytes), { where: path, maxDepth: 3, error: (m) => new DataError(m) });
    return imagesFromJson(v, s, path);
  }
  const imgs = parseMnistImages(maybeGunzipSync(bytes, { name: path }), path);
  if (imgs.rows !== s.height || imgs.cols !== s.width || s.channels !== 1) {
    throw new DataError(`${path}: expected ${s.height}x${s.width} images for this ${s.channels}-channel model, got ${imgs.rows}x${imgs.cols}`);
  }
  return imgs.pixels;
}

export async function predictCommand(flags: Record<string, FlagValue | undefined>, inputs: string[], json: boolean): Promise<number> {
  if (inputs.length === 0) throw new UsageError("predict needs at least one INPUT file (PNG, IDX or JSON)");
  const path = String(flags.checkpoint);
  const rt = await init();
  const ck = await decodeCheckpoint(readFileChecked(path, { what: "checkpoint (--checkpoint)" }), path);
  assertFiniteTensors(ck.tensors, path);
  const { model, cfg } = loadImageModel(rt, ck);
  const samples = flags.samples === undefined ? cfg.eval.samples : Number(flags.samples);
  const shape = { channels: cfg.model.channels, height: cfg.model.height, width: cfg.model.width };
  const per = shape.channels * shape.height * shape.width;
  const results: { input: string; index: number; predicted: number; probabilities: number[]; entropy: number; mutualInformation: number }[] = [];
  for (const input of inputs) {
    const pixels = await readImages(input, shape);
    const count = pixels.length / per;
    const set: ImageSet = { count, ...shape, pixels, labels: new Uint8Array(count), numClasses: cfg.model.classes };
    const p = predictImageSet(rt, model, set, Uint32Array.from({ length: count }, (_, i) => i), samples, cfg.eval.batch);
    const K = cfg.model.classes;
    assertFiniteOutputs(p.probs, K, `${input}: the class probabilities`);
    for (let i = 0; i < count; i++) {
      const probs = Array.from(p.probs.subarray(i * K, (i + 1) * K));
      let best = 0;
      for (let k = 1; k < K; k++) if (probs[k]! > probs[best]!) best = k;
      results.push({ input, index: i, predicted: best, probabilities: probs, entropy: p.entropy[i]!, mutualInformation: p.mutualInformation[i]! });
    }
  }
  if (json) console.log(JSON.stringify({ checkpoint: path, samples, predictions: results }));
  else for (const r of results) {
    console.log(`${r.input}#${r.index}: class ${r.predicted} (p ${r.probabilities[r.predicted]!.toFixed(4)}), entropy ${r.entropy.toFixed(4)}, ` +
      `MI ${r.mutualInformation.toFixed(4)}  [${r.probabilities.map((v) => v.toFixed(3)).join(" ")}]`);
  }
  return 0;
}
