// A fitted table schema (column types, standardisation, categories, class names) and the encoding
// of raw cells by it: numeric (value - center) / scale, categorical one-hot. No CSV parsing here
// (the inference bundle encodes rows with it); ./tabular.ts reads and fits tables.
import { DataError } from "../runtime/errors.js";

/** A number as CSV cells write it (no NaN, Infinity or hex). */
export const CSV_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Cells that mean "no value". */
export const MISSING: ReadonlySet<string> = new Set(["", "NA", "N/A", "NaN", "nan", "null", "?"]);
export const showCell = (s: string): string => JSON.stringify(s.length > 40 ? s.slice(0, 40) + "..." : s);
const show = showCell;

export interface FeatureSpec {
  name: string;
  type: "numeric" | "categorical";
  /** Numeric: inputs are (value - center) / scale. */
  center: number;
  scale: number;
  /** Categorical: the one-hot order. */
  categories: string[];
}

export interface TargetSpec {
  name: string;
  /** Regression: the model learns (y - center) / scale and predicts in the original units. */
  center: number;
  scale: number;
  /** Classification: class names (index order); empty for regression. */
  classes: string[];
}

export interface TableSchema { features: FeatureSpec[]; target: TargetSpec }

export type TableTask = "regression" | "classification";

/** Floats per encoded row: one per numeric feature, one per category. */
export const encodedWidth = (s: TableSchema): number => s.features.reduce((a, f) => a + (f.type === "numeric" ? 1 : f.categories.length), 0);

/** One raw cell -> its encoded values at out[o ..]; `where` names the cell for errors. */
export function encodeCell(f: FeatureSpec, v: string | number, out: Float32Array, o: number, where: () => string): number {
  if (f.type === "numeric") {
    const x = typeof v === "number" ? v : CSV_NUMBER.test(v.trim()) ? Number(v.trim()) : NaN;
    if (!Number.isFinite(x)) throw new DataError(`${where()}: expected a number, got ${typeof v === "number" ? v : show(v)}`);
    const z = Math.fround((x - f.center) / f.scale);
    if (!Number.isFinite(z)) throw new DataError(`${where()}: ${x} is too far from the training data (standardised: ${z})`);
    out[o] = z;
    return 1;
  }
  const c = f.categories.indexOf(String(v).trim());
  if (c < 0) throw new DataError(`${where()}: unknown category ${show(String(v))}: expected one of ${f.categories.map(show).join(", ")}`);
  out[o + c] = 1;
  return f.categories.length;
}

/** A raw row given as named values (API predict). */
export type TableRow = Readonly<Record<string, string | number>>;

/** Named rows encoded by a schema (extra keys other than the target are refused). */
export function encodeRecords(rows: readonly TableRow[], s: TableSchema, name = "inputs"): Float32Array {
  const width = encodedWidth(s);
  const x = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    if (row === null || typeof row !== "object") throw new DataError(`${name}: row ${i}: expected an object of named values, got ${typeof row}`);
    for (const key of Object.keys(row)) {
      if (key !== s.target.name && !s.features.some((f) => f.name === key)) {
        throw new DataError(`${name}: row ${i}: unexpected column ${show(key)}: this model takes ${s.features.map((f) => show(f.name)).join(", ")}`);
      }
    }
    let at = i * width;
    for (const f of s.features) {
      const v = row[f.name];
      if (v === undefined || v === null || (typeof v === "string" && MISSING.has(v.trim()))) throw new DataError(`${name}: row ${i}: missing value of column ${show(f.name)}`);
      if (typeof v !== "string" && typeof v !== "number") {
        throw new DataError(`${name}: row ${i}, column ${show(f.name)}: expected a number or a string, got ${Array.isArray(v) ? "an array" : typeof v}`);
      }
      at += encodeCell(f, v, x, at, () => `${name}: row ${i}, column ${show(f.name)}`);
    }
  });
  return x;
}
