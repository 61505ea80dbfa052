// NODE-ONLY: the inputs of `sdebnn predict` files, read for the kind of the model: images (PNG,
// JSON pixel rows, IDX) or x values (CSV with a column `x`, JSON array).
import { DataError } from "../runtime/errors.js";
import { parseJsonStrict } from "../config/strict_json.js";
import { readFileChecked } from "./files.js";
import { decodePng } from "../data/png.js";
import { imagesFromJson, type ImageShape, type PixelScale } from "../data/json_images.js";
import { parseMnistImages } from "../data/idx.js";
import { parseCsv } from "../data/csv.js";
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

/** x values of a 1D regression model: a CSV file with a header and a column `x`, or a JSON array of numbers. */
async function readValueInputs(_cfg: RunConfig, path: string): Promise<Float32Array> {
  const text = new TextDecoder().decode(readFileChecked(path, { what: "input" }));
  if (path.endsWith(".json")) {
    const v = parseJsonStrict(text, { where: path, maxDepth: 2, error: (m) => new DataError(m) });
    if (!Array.isArray(v) || v.length === 0) throw new DataError(`${path}: expected a non-empty JSON array of x values`);
    const bad = v.findIndex((e) => typeof e !== "number" || !Number.isFinite(e));
    if (bad >= 0) throw new DataError(`${path}: element ${bad}: expected a finite number, got ${JSON.stringify(v[bad])}`);
    return Float32Array.from(v as number[]);
  }
  const table = parseCsv(text, { name: path, header: true, columns: ["x"] });
  return Float32Array.from(table.values);
}

/** Raw rows of a tabular model: a CSV file with a header naming the feature columns (the target may be there too). */
async function readTableInputs(cfg: TabularRunConfig, path: string): Promise<ModelInput> {
  const t = readTableFile(path, "input");
  encodeTable(t, cfg.data.schema, { withTarget: false }); // DataError naming the line and column of a bad cell
  const keep = cfg.data.schema.features.map((f) => [f.name, t.header.indexOf(f.name)] as const);
  return t.rows.map((r) => Object.fromEntries(keep.map(([name, k]) => [name, r[k]!.text])));
}

const READERS: Record<KindName, (cfg: RunConfig, path: string, o: ReadOptions) => Promise<ModelInput>> = {
  image: (cfg, path, o) => readImageInputs(cfg as ImageRunConfig, path, o),
  toy1d: (cfg, path) => readValueInputs(cfg, path),
  tabular: (cfg, path) => readTableInputs(cfg as TabularRunConfig, path),
};

/** The inputs of a predict file for a model of this config's kind. */
export function readInputs(cfg: RunConfig, path: string, o: ReadOptions = { background: 0 }): Promise<ModelInput> {
  return READERS[cfg.kind](cfg, path, o);
}
