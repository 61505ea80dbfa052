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
import { imagesFromJson, type ImageShape, type PixelScale } from "../data/json_images.js";
import { parseMnistImages } from "../data/idx.js";
import { maybeGunzipSync } from "../node/gzip.js";
import type { ImageSet } from "../data/dataset.js";

export { imagesFromJson };

interface ReadOptions { scale?: PixelScale; background: number }

async function readImages(path: string, s: ImageShape, o: ReadOptions): Promise<Uint8Array> {
  const bytes = readFileChecked(path, { what: "input" });
  if (path.endsWith(".png")) {
    const img = await decodePngGrey(bytes, path, { background: o.background });
    if (img.width !== s.width || img.height !== s.height || s.channels !== 1) {
      throw new DataError(`${path}: expected a ${s.width}x${s.height} image for this ${s.channels}-channel model, got ${img.width}x${img.height}`);
    }
    return img.pixels;
  }
  if (path.endsWith(".json")) {
    // [images][rows][values]: 3 levels
    const v = parseJsonStrict(new TextDecoder().decode(bytes), { where: path, maxDepth: 3, error: (m) => new DataError(m) });
    return imagesFromJson(v, s, path, o.scale);
  }
  const imgs = parseMnistImages(maybeGunzipSync(bytes, { name: path }), path);
  if (imgs.rows !== s.height || imgs.cols !== s.width || s.channels !== 1) {
    throw new DataError(`${path}: expected ${s.height}x${s.width} images for this ${s.channels}-channel model, got ${imgs.rows}x${imgs.cols}`);
  }
  return imgs.pixels;
}

/** --background: black (default), white or a grey level 0..255 under transparent PNG pixels. */
function parseBackground(v: FlagValue | undefined): number {
  if (v === undefined || v === "black") return 0;
  if (v === "white") return 255;
  const t = String(v);
  if (/^(0|[1-9]\d{0,2})$/.test(t) && Number(t) <= 255) return Number(t);
  throw new UsageError(`--background: expected black, white or a grey level 0..255, got ${JSON.stringify(t)}`);
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
  const read: ReadOptions = { scale: flags.scale as PixelScale | undefined, background: parseBackground(flags.background) };
  const per = shape.channels * shape.height * shape.width;
  const results: { input: string; index: number; predicted: number; probabilities: number[]; entropy: number; mutualInformation: number }[] = [];
  for (const input of inputs) {
    const pixels = await readImages(input, shape, read);
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
