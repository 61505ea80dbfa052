// CSV of numeric data (regression inputs and targets): RFC 4180 quoting ("" escapes a quote,
// quoted fields may hold delimiters and newlines), LF or CRLF, '#' comment lines, blank lines
// skipped, optional header. Errors name the line, the column and the offending text.
import { DataError } from "../runtime/errors.js";
import { CSV_NUMBER } from "./table_schema.js";

export { CSV_NUMBER };

export interface CsvOptions {
  /** Name used in error messages (a file name). */
  name?: string;
  /** true: the first record names the columns; false: none; "auto" (default): a header iff some field of the first record is not a number. */
  header?: boolean | "auto";
  /** Field separator, one character (default ","). */
  delimiter?: string;
  /** Lines starting with this character are skipped (default "#"; null disables). */
  comment?: string | null;
  /** Columns to keep, by header name or 0-based index, in this order (default: all). */
  columns?: readonly (string | number)[];
}

export interface CsvTable {
  /** Names of the kept columns (from the header, or "0", "1", ... without one). */
  names: string[];
  rows: number;
  cols: number;
  /** rows * cols values, row-major. */
  values: Float64Array;
  /** 1-based line number where each row starts (for error messages downstream). */
  lines: Uint32Array;
}

/** One CSV field: its text and the 1-based line it starts on. */
export interface CsvField { text: string; line: number; quoted: boolean }
type Field = CsvField;

const NUMBER = CSV_NUMBER;
const show = (s: string): string => JSON.stringify(s.length > 40 ? s.slice(0, 40) + "..." : s);

/** Splits `text` into records of fields; comment and blank lines are dropped. */
function tokenize(text: string, name: string, delim: string, comment: string | null): Field[][] {
  const records: Field[][] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte order mark
  let line = 1;
  const isEol = (c: string | undefined): boolean => c === "\n" || c === "\r";
  const eat = (): void => { // consume one line ending at i
    if (text[i] === "\r" && text[i + 1] === "\n") i += 2; else i += 1;
    line++;
  };
  while (i < n) {
    // comment or blank line?
    if (comment !== null && text[i] === comment) {
      while (i < n && !isEol(text[i])) i++;
      if (i < n) eat();
      continue;
    }
    let j = i;
    while (j < n && (text[j] === " " || text[j] === "\t")) j++;
    if (j >= n || isEol(text[j])) {
      i = j;
      if (i < n) eat();
      continue;
    }
    const record: Field[] = [];
    for (;;) {
      const col = record.length + 1;
      while (i < n && (text[i] === " " || text[i] === "\t")) i++;
      const startLine = line;
      if (text[i] === "\"") {
        i++;
        let value = "";
        for (;;) {
          const q = text.indexOf("\"", i);
          if (q < 0) {
            throw new DataError(`${name}: line ${startLine}, column ${col}: unterminated quoted field ` +
              `(no closing quote before the end of the file): ${show(text.slice(i - 1, i + 39))}`);
          }
          const chunk = text.slice(i, q);
          for (let k = 0; k < chunk.length; k++) {
            if (chunk[k] === "\n" || (chunk[k] === "\r" && chunk[k + 1] !== "\n")) line++;
          }
          value += chunk;
          i = q + 1;
          if (text[i] === "\"") { value += "\""; i++; continue; }
          break;
        }
        while (i < n && (text[i] === " " || text[i] === "\t")) i++;
        if (i < n && text[i] !== delim && !isEol(text[i])) {
          throw new DataError(`${name}: line ${line}, column ${col}: unexpected text after a closing quote: ` +
            `expected '${delim}' or the end of the line, got ${show(text.slice(i, i + 20).split(/[\r\n]/)[0]!)}`);
        }
        record.push({ text: value, line: startLine, quoted: true });
      } else {
        const start = i;
        while (i < n && text[i] !== delim && !isEol(text[i])) {
          if (text[i] === "\"") {
            throw new DataError(`${name}: line ${line}, column ${col}: a quote inside an unquoted field ` +
              `(quote the whole field and double inner quotes): ${show(text.slice(start, i + 20))}`);
          }
          i++;
        }
        record.push({ text: text.slice(start, i).trimEnd(), line: startLine, quoted: false });
      }
      if (i < n && text[i] === delim) { i++; continue; }
      if (i < n) eat();
      break;
    }
    records.push(record);
  }
  return records;
}

function parseNumber(f: Field, name: string, col: number, colName: string): number {
  const t = f.text.trim();
  if (!NUMBER.test(t)) {
    throw new DataError(`${name}: line ${f.line}, column ${col} (${colName}): expected a number, got ${show(f.text)}`);
  }
  const v = Number(t);
  if (!Number.isFinite(v)) {
    throw new DataError(`${name}: line ${f.line}, column ${col} (${colName}): expected a finite number, got ${show(f.text)} (overflows to ${v})`);
  }
  return v;
}

/**
 * CSV text as records of text fields (comment and blank lines dropped), for tables with
 * non-numeric columns (../data/tabular.ts). DataError naming the line and column on bad quoting.
 */
export function csvRecords(text: string, name = "<csv>"): CsvField[][] {
  return tokenize(text, name, ",", "#");
}

/** Parses numeric CSV text (or UTF-8 bytes) into a row-major table of the selected columns. */
export function parseCsv(input: string | Uint8Array, options: CsvOptions = {}): CsvTable {
  const name = options.name ?? "<csv>";
  const delim = options.delimiter ?? ",";
  const comment = options.comment === undefined ? "#" : options.comment;
  if (delim.length !== 1 || delim === "\"" || delim === "\n" || delim === "\r") {
    throw new DataError(`${name}: option 'delimiter' must be one character other than a quote or newline, got ${show(delim)}`);
  }
  if (comment !== null && (comment.length !== 1 || comment === delim)) {
    throw new DataError(`${name}: option 'comment' must be one character other than the delimiter, got ${show(String(comment))}`);
  }
  let text: string;
  if (typeof input === "string") text = input;
  else if (input instanceof Uint8Array) {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(input);
    } catch {
      let at = 0; // locate the first invalid sequence for the message
      for (let lo = 0, hi = input.length; lo < hi;) {
        const mid = (lo + hi) >>> 1;
        try { new TextDecoder("utf-8", { fatal: true }).decode(input.subarray(0, mid + 1), { stream: true }); lo = mid + 1; at = lo; }
        catch { hi = mid; }
      }
      throw new DataError(`${name}: not valid UTF-8 text near byte offset ${at}`);
    }
  } else throw new DataError(`${name}: expected CSV text as a string or Uint8Array, got ${typeof input}`);

  const records = tokenize(text, name, delim, comment);
  if (records.length === 0) throw new DataError(`${name}: no data rows (the file is empty or only comments)`);
  const first = records[0]!;
  const width = first.length;
  const header = options.header ?? "auto";
  const hasHeader = header === "auto" ? first.some((f) => !NUMBER.test(f.text.trim())) : header;
  const allNames = hasHeader ? first.map((f) => f.text.trim()) : first.map((_, k) => String(k));
  if (hasHeader) {
    const seen = new Map<string, number>();
    allNames.forEach((h, k) => {
      const prev = seen.get(h);
      if (prev !== undefined && h !== "") {
        throw new DataError(`${name}: line ${first[k]!.line}, column ${k + 1}: duplicate header name ${show(h)} (also column ${prev + 1})`);
      }
      seen.set(h, k);
    });
  }
  const selected: number[] = [];
  for (const c of options.columns ?? allNames.map((_, k) => k)) {
    if (typeof c === "number") {
      if (!Number.isInteger(c) || c < 0 || c >= width) {
        throw new DataError(`${name}: selected column index ${c} is out of range: expected an integer in [0, ${width - 1}]`);
      }
      selected.push(c);
    } else {
      const k = hasHeader ? allNames.indexOf(c) : -1;
      if (k < 0) {
        throw new DataError(`${name}: no column named ${show(c)}: ` +
          (hasHeader ? `expected one of ${allNames.map(show).join(", ")}` : "the file has no header row (select columns by index)"));
      }
      selected.push(k);
    }
  }
  const body = hasHeader ? records.slice(1) : records;
  if (body.length === 0) throw new DataError(`${name}: no data rows after the header on line ${first[0]!.line}`);
  const cols = selected.length;
  const values = new Float64Array(body.length * cols);
  const lines = new Uint32Array(body.length);
  body.forEach((rec, r) => {
    lines[r] = rec[0]!.line;
    if (rec.length !== width) {
      throw new DataError(`${name}: line ${rec[0]!.line}: expected ${width} fields (as in line ${first[0]!.line}), got ${rec.length}`);
    }
    for (let c = 0; c < cols; c++) {
      const k = selected[c]!;
      values[r * cols + c] = parseNumber(rec[k]!, name, k + 1, hasHeader ? show(allNames[k]!) : `index ${k}`);
    }
  });
  return { names: selected.map((k) => allNames[k]!), rows: body.length, cols, values, lines };
}

/** The given columns of a table (names or indices into `table.names`) as f32, row-major. */
export function tableColumnsF32(table: CsvTable, columns: readonly (string | number)[], name = "<csv>"): Float32Array {
  const idx = columns.map((c) => {
    const k = typeof c === "number" ? c : table.names.indexOf(c);
    if (!Number.isInteger(k) || k < 0 || k >= table.cols) {
      throw new DataError(`${name}: no column ${show(String(c))}: expected one of ${table.names.map(show).join(", ")}`);
    }
    return k;
  });
  const out = new Float32Array(table.rows * idx.length);
  for (let r = 0; r < table.rows; r++) {
    for (let c = 0; c < idx.length; c++) out[r * idx.length + c] = table.values[r * table.cols + idx[c]!]!;
  }
  return out;
}
