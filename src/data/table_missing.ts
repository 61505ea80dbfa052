// data.dropMissing: the rows of a table with a missing cell (empty, NA, NaN, ...: table_schema's
// MISSING) in a column the model reads, dropped instead of refused; the caller reports how many.
import { DataError } from "../runtime/errors.js";
import { MISSING } from "./table_schema.js";
import type { Table } from "./tabular.js";

export interface DroppedRows {
  table: Table;
  /** The 1-based lines of the dropped rows. */
  lines: number[];
}

/** The table without rows that miss a value in `columns` (columns absent from the header are skipped). */
export function dropMissingRows(t: Table, columns: readonly string[]): DroppedRows {
  const ks = columns.map((c) => t.header.indexOf(c)).filter((k) => k >= 0);
  const lines: number[] = [];
  const rows = t.rows.filter((r) => {
    const missing = ks.some((k) => MISSING.has(r[k]!.text.trim()));
    if (missing) lines.push(r[0]!.line);
    return !missing;
  });
  if (rows.length === 0) throw new DataError(`${t.name}: every one of the ${t.rows.length} data rows misses a value (data.dropMissing dropped them all)`);
  return { table: { ...t, rows }, lines };
}

/** "dropped 3 of 150 rows with a missing value (lines 4, 9, 12)". */
export function droppedNote(t: Table, d: DroppedRows): string {
  const shown = d.lines.slice(0, 8).join(", ") + (d.lines.length > 8 ? ", ..." : "");
  return `${t.name}: dropped ${d.lines.length} of ${t.rows.length} rows with a missing value (data.dropMissing; line${d.lines.length > 1 ? "s" : ""} ${shown})`;
}
