// Tables of named columns (CSV with a header) -> model inputs: numeric features standardised with
// the training part's mean and std, categorical features one-hot, the target as a value or a
// class index. The fitted TableSchema lives in the run config (data.schema), so a loaded model
// encodes raw rows itself. Every refusal is a DataError naming the file, the line and the column.
import { DataError } from "../runtime/errors.js";
import { csvRecords, type CsvField } from "./csv.js";
import { CSV_NUMBER, encodeCell, encodedWidth, MISSING, showCell, type FeatureSpec, type TableSchema, type TableTask, type TargetSpec } from "./table_schema.js";

export * from "./table_schema.js";

/** A CSV file's header and data records (text fields with their lines). */
export interface Table { name: string; header: string[]; headerLine: number; rows: CsvField[][] }

/** The largest finite f32: cells beyond it cannot be model inputs. */
const F32_MAX = 3.4028234663852886e38;
const show = showCell;

/** Parses CSV text with a header row; DataError on an empty file, duplicate names or ragged rows. */
export function readTable(text: string, name: string): Table {
  const records = csvRecords(text, name);
  if (records.length === 0) throw new DataError(`${name}: the file is empty (expected a header row and data rows)`);
  const head = records[0]!;
  const header = head.map((f) => f.text.trim());
  header.forEach((h, k) => {
    if (h === "") throw new DataError(`${name}: line ${head[k]!.line}, column ${k + 1}: empty column name in the header`);
    const prev = header.indexOf(h);
    if (prev < k) throw new DataError(`${name}: line ${head[k]!.line}, column ${k + 1}: duplicate column name ${show(h)} (also column ${prev + 1})`);
  });
  const rows = records.slice(1);
  if (rows.length === 0) throw new DataError(`${name}: no data rows after the header on line ${head[0]!.line}`);
  for (const r of rows) {
    if (r.length !== header.length) {
      throw new DataError(`${name}: line ${r[0]!.line}: expected ${header.length} fields (as in the header on line ${head[0]!.line}), got ${r.length}`);
    }
  }
  return { name, header, headerLine: head[0]!.line, rows };
}

function columnIndex(t: Table, col: string, what: string): number {
  const k = t.header.indexOf(col);
  if (k < 0) throw new DataError(`${t.name}: line ${t.headerLine}: no ${what} column ${show(col)}: expected one of ${t.header.map(show).join(", ")}`);
  return k;
}

function cellText(t: Table, r: number, k: number): string {
  const f = t.rows[r]![k]!, v = f.text.trim();
  if (MISSING.has(v)) throw new DataError(`${t.name}: line ${f.line}, column ${k + 1} (${show(t.header[k]!)}): missing value ${show(f.text)}`);
  return v;
}

function cellNumber(t: Table, r: number, k: number): number {
  const v = cellText(t, r, k);
  const x = CSV_NUMBER.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(x) || Math.abs(x) > F32_MAX) {
    throw new DataError(`${t.name}: line ${t.rows[r]![k]!.line}, column ${k + 1} (${show(t.header[k]!)}): expected a number in this numeric column` +
      `${Number.isFinite(x) ? ` within +-${F32_MAX}` : ""}, got ${show(v)}`);
  }
  return x;
}

/**
 * Whether column k is numeric: every cell a number. A column of mostly numbers with a few other
 * cells is a DataError naming the first such cell (a typo would otherwise make it categorical).
 */
function isNumberColumn(t: Table, k: number): boolean {
  let numbers = 0, firstOther = -1;
  t.rows.forEach((_, r) => { if (CSV_NUMBER.test(cellText(t, r, k))) numbers++; else if (firstOther < 0) firstOther = r; });
  if (firstOther < 0) return true;
  if (2 * numbers > t.rows.length) cellNumber(t, firstOther, k); // throws, naming the cell
  return false;
}

/** Mean and (population) std of a column over `rows`, in row order; DataError when constant. */
function moments(t: Table, k: number, rows: ArrayLike<number>): { center: number; scale: number } {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum += cellNumber(t, rows[i]!, k);
  const center = sum / rows.length;
  let sq = 0;
  for (let i = 0; i < rows.length; i++) { const d = cellNumber(t, rows[i]!, k) - center; sq += d * d; }
  const scale = Math.sqrt(sq / rows.length);
  if (!Number.isFinite(center) || !Number.isFinite(scale)) {
    throw new DataError(`${t.name}: column ${k + 1} (${show(t.header[k]!)}): its mean or spread overflows (values too large): rescale the column`);
  }
  if (!(scale > 1e-12 * Math.max(1, Math.abs(center)))) {
    throw new DataError(`${t.name}: column ${k + 1} (${show(t.header[k]!)}) is constant (${center}) on the ${rows.length} training rows: drop it (--features)`);
  }
  return { center, scale };
}

export interface FitOptions {
  target: string;
  /** Feature columns (default: every column but the target). */
  features?: readonly string[];
  /** "auto": classification when the target column is not numeric. */
  task?: TableTask | "auto";
  /** The training part's rows (statistics are fitted on them only); default all. */
  rows?: ArrayLike<number>;
}

/** Column types, categories, class names and standardisation fitted on the training rows. */
export function fitSchema(t: Table, o: FitOptions): { schema: TableSchema; task: TableTask } {
  const rows = o.rows ?? Uint32Array.from(t.rows.keys());
  const ti = columnIndex(t, o.target, "target");
  const names = o.features && o.features.length > 0 ? [...o.features] : t.header.filter((h) => h !== o.target);
  if (names.length === 0) throw new DataError(`${t.name}: no feature columns besides the target ${show(o.target)}`);
  if (names.includes(o.target)) throw new DataError(`${t.name}: the target ${show(o.target)} is also listed as a feature`);
  const task: TableTask = o.task && o.task !== "auto" ? o.task : isNumberColumn(t, ti) ? "regression" : "classification";
  const features = names.map((n): FeatureSpec => {
    const k = columnIndex(t, n, "feature");
    if (isNumberColumn(t, k)) return { name: n, type: "numeric", ...moments(t, k, rows), categories: [] };
    const categories = [...new Set(Array.from(rows, (r) => cellText(t, r, k)))].sort();
    if (categories.length < 2) throw new DataError(`${t.name}: column ${k + 1} (${show(n)}) is constant (${show(categories[0] ?? "")}) on the training rows: drop it (--features)`);
    return { name: n, type: "categorical", center: 0, scale: 1, categories };
  });
  let target: TargetSpec;
  if (task === "regression") target = { name: o.target, ...moments(t, ti, rows), classes: [] };
  else {
    const classes = [...new Set(Array.from(t.rows.keys(), (r) => cellText(t, r, ti)))].sort(classOrder);
    if (classes.length < 2) throw new DataError(`${t.name}: the target ${show(o.target)} has a single class ${show(classes[0]!)}: nothing to classify`);
    target = { name: o.target, center: 0, scale: 1, classes };
  }
  return { schema: { features, target }, task };
}

/** Numeric class names in numeric order, others after them in code-unit order. */
function classOrder(a: string, b: string): number {
  const na = CSV_NUMBER.test(a), nb = CSV_NUMBER.test(b);
  if (na && nb) return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
  return na ? -1 : nb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

function checkColumns(t: Table, s: TableSchema, withTarget: boolean): number[] {
  const want = new Set(s.features.map((f) => f.name));
  // rows to predict must hold the model's columns only; a data file (with the target) may hold others (--features picks)
  if (!withTarget) for (const h of t.header) {
    if (!want.has(h) && h !== s.target.name) {
      throw new DataError(`${t.name}: line ${t.headerLine}: unexpected column ${show(h)}: this model takes ${s.features.map((f) => show(f.name)).join(", ")}`);
    }
  }
  if (withTarget) columnIndex(t, s.target.name, "target");
  return s.features.map((f) => columnIndex(t, f.name, "feature"));
}

export interface EncodedRows { x: Float32Array; width: number; count: number; y: Float32Array | Int32Array | null }

/** Rows of a table (all, or `rows`) encoded by a schema; targets too with `withTarget`. */
export function encodeTable(t: Table, s: TableSchema, o: { withTarget: boolean; rows?: ArrayLike<number> }): EncodedRows {
  const rows = o.rows ?? Uint32Array.from(t.rows.keys());
  const cols = checkColumns(t, s, o.withTarget);
  const width = encodedWidth(s), n = rows.length;
  const x = new Float32Array(n * width);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    let at = i * width;
    s.features.forEach((f, j) => {
      const k = cols[j]!;
      at += encodeCell(f, cellText(t, r, k), x, at, () => `${t.name}: line ${t.rows[r]![k]!.line}, column ${k + 1} (${show(f.name)})`);
    });
  }
  if (!o.withTarget) return { x, width, count: n, y: null };
  const ti = columnIndex(t, s.target.name, "target");
  const cls = s.target.classes;
  const y = cls.length > 0 ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (cls.length === 0) { y[i] = cellNumber(t, r, ti); continue; }
    const v = cellText(t, r, ti), c = cls.indexOf(v);
    if (c < 0) throw new DataError(`${t.name}: line ${t.rows[r]![ti]!.line}, column ${ti + 1} (${show(s.target.name)}): unknown class ${show(v)}: expected one of ${cls.map(show).join(", ")}`);
    y[i] = c;
  }
  return { x, width, count: n, y };
}

