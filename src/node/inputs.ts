// NODE-ONLY: the inputs of `sdebnn predict` files, read for the kind of the model: images (PNG,
// JSON pixel rows, IDX) or x values (CSV with a column `x`, JSON array).
import { DataError } from "../runtime/errors.js";
import { parseJsonStrict } from "../config/strict_json.js";
import { readFileChecked } from "./files.js";
import { decodePngGrey } from "../data/png.js";
import { parseMnistImages } from "../data/idx.js";
import { parseCsv } from "../data/csv.js";
import { maybeGunzipSync } from "./gzip.js";
import type { ModelInput } from "../models/kind.js";
import type { KindName, RunConfig } from "../models/registry.js";
import type { ImageRunConfig } from "../models/image_config.js";

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

/** Image inputs (PNG, JSON, IDX) of an image model: bytes 0..255, count x C x H x W. */
async function readImageInputs(cfg: ImageRunConfig, path: string): Promise<Uint8Array> {
  return readImages(path, { channels: cfg.model.channels, height: cfg.model.height, width: cfg.model.width });
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

const READERS: Record<KindName, (cfg: RunConfig, path: string) => Promise<ModelInput>> = {
  image: (cfg, path) => readImageInputs(cfg as ImageRunConfig, path),
  toy1d: readValueInputs,
};

/** The inputs of a predict file for a model of this config's kind. */
export function readInputs(cfg: RunConfig, path: string): Promise<ModelInput> {
  return READERS[cfg.kind](cfg, path);
}
