// JSON prediction inputs: one image [rows][cols] or several [[rows][cols], ...] of grey values.
// The value scale must be unambiguous: "unit" (0..1, 1 = full intensity) or "byte" (0..255). Without
// an explicit scale it is inferred only when the values decide it - a non-integer means unit, an
// integer above 1 means byte - and an image of only 0s and 1s is refused (it reads as black-on-black
// on the byte scale, which is how it used to be read, and as full contrast on the unit scale).
import { DataError } from "../runtime/errors.js";

export type PixelScale = "unit" | "byte";
export interface ImageShape { channels: number; height: number; width: number }

/** Grey bytes (0..255) of the images in `value`, `scale` given or inferred as described above. */
export function imagesFromJson(value: unknown, s: ImageShape, name: string, scale?: PixelScale): Uint8Array {
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
    const max = scale === "unit" ? 1 : 255;
    flat.forEach((v, k) => {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > max) {
        throw new DataError(`${name}: image ${n} pixel ${k}: expected a number in ${scale === "unit" ? "[0, 1] (--scale unit)" : scale === "byte" ? "0..255 (--scale byte)" : "[0, 1] or 0..255"}, got ${JSON.stringify(v)}`);
      }
    });
    const nums = flat as number[];
    const unit = scale !== undefined ? scale === "unit" : inferUnit(nums, `${name}: image ${n}`);
    nums.forEach((v, k) => {
      if (!unit && !Number.isInteger(v)) throw new DataError(`${name}: image ${n} pixel ${k}: expected an integer 0..255 on the byte scale, got ${v}`);
      out[n * per + k] = unit ? Math.round(v * 255) : v;
    });
  });
  return out;
}

function inferUnit(values: number[], where: string): boolean {
  if (values.some((v) => !Number.isInteger(v))) {
    const over = values.find((v) => v > 1);
    if (over !== undefined) throw new DataError(`${where}: mixes fractions with values above 1 (${over}): expected all in [0, 1] or all integers 0..255`);
    return true;
  }
  if (values.some((v) => v > 1)) return false;
  throw new DataError(`${where}: every value is 0 or 1, which is ambiguous: pass --scale unit (0..1, 1 = full intensity) ` +
    "or --scale byte (0..255, so 1 is nearly black)");
}
