// NODE-ONLY: the inputs of `sdebnn predict` files, read for the kind of the model: images (PNG,
// JSON pixel rows, IDX) or table rows (CSV with the feature columns; a JSON array of values for a
// model of one numeric feature, e.g. the toy1d preset's x).
import { DataError } from "../runtime/errors.js";
import { parseJsonStrict } from "../config/strict_json.js";
import { readFileChecked } from "./files.js";
import { decodePng } from "../data/png.js";
import { imagesFromJson, type ImageShape, type PixelScale } from "../data/json_images.js";
import { parseMnistImages } from "../data/idx.js";
import { maybeGunzipSync } from "./gzip.js";
import type { ModelInput } from "../models/kind.js";
import type { KindName, RunConfig } from "../models/registry.js";
import type { ImageRunConfig } from "../models/image_config.js";
import type { TabularRunConfig } from "../models/tabular_config.js";
import { encodeTable } from "../data/tabular.js";
import { readTableFile } from "./tabular_data.js";

/** How image files are read: the value scale of JSON images, the grey under transparent PNG pixels. */
export interface ReadOptions { scale?: PixelScale; background: number }

async function readImages(path: string, s: ImageShape, o: ReadOptions): Promise<Uint8Array> {
  const bytes = readFileChecked(path, { what: "input" });
  if (/\.png$/i.test(path)) {
    if (s.channels !== 1 && s.channels !== 3) throw new DataError(`${path}: PNG inputs give 1 (grey) or 3 (RGB) channels, this model takes ${s.channels}`);
    const img = await decodePng(bytes, path, { background: o.background, channels: s.channels });
    if (img.width !== s.width || img.height !== s.height) {
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

/** Image inputs (PNG, JSON, IDX) of an image model: bytes 0..255, count x C x H x W. */
async function readImageInputs(cfg: ImageRunConfig, path: string, o: ReadOptions): Promise<Uint8Array> {
  return readImages(path, { channels: cfg.model.channels, height: cfg.model.height, width: cfg.model.width }, o);
}

/** Values of a model's one numeric feature: a JSON array of numbers. */
function readValueInputs(cfg: TabularRunConfig, path: string): Float32Array {
  const f = cfg.data.schema.features;
  if (f.length !== 1 || f[0]!.type !== "numeric") {
    throw new DataError(`${path}: a JSON array of values is the input of a model of one numeric feature; this one takes ${f.map((c) => JSON.stringify(c.name)).join(", ")}: pass a CSV file`);
  }
  const text = new TextDecoder().decode(readFileChecked(path, { what: "input" }));
  const v = parseJsonStrict(text, { where: path, maxDepth: 2, error: (m) => new DataError(m) });
  if (!Array.isArray(v) || v.length === 0) throw new DataError(`${path}: expected a non-empty JSON array of ${f[0]!.name} values`);
  const bad = v.findIndex((e) => typeof e !== "number" || !Number.isFinite(e));
  if (bad >= 0) throw new DataError(`${path}: element ${bad}: expected a finite number, got ${JSON.stringify(v[bad])}`);
  return Float32Array.from(v as number[]);
}

/** Raw rows of a tabular model: a CSV file with a header naming the feature columns (the target may be there too), or a JSON array (one numeric feature). */
async function readTableInputs(cfg: TabularRunConfig, path: string): Promise<ModelInput> {
  if (path.endsWith(".json")) return readValueInputs(cfg, path);
  const t = readTableFile(path, "input");
  encodeTable(t, cfg.data.schema, { withTarget: false }); // DataError naming the line and column of a bad cell
  const keep = cfg.data.schema.features.map((f) => [f.name, t.header.indexOf(f.name)] as const);
  return t.rows.map((r) => Object.fromEntries(keep.map(([name, k]) => [name, r[k]!.text])));
}

const READERS: Record<KindName, (cfg: RunConfig, path: string, o: ReadOptions) => Promise<ModelInput>> = {
  image: (cfg, path, o) => readImageInputs(cfg as ImageRunConfig, path, o),
  tabular: (cfg, path) => readTableInputs(cfg as TabularRunConfig, path),
};

/** The inputs of a predict file for a model of this config's kind. */
export function readInputs(cfg: RunConfig, path: string, o: ReadOptions = { background: 0 }): Promise<ModelInput> {
  return READERS[cfg.kind](cfg, path, o);
}
