// The tabular half of the edge handler (app.mjs): JSON rows of raw values in, predictions out.
//   POST /predict  {"rows": [{"size": 70, "rooms": 2, "area": "south"}, ...] (1..MAX_ROWS), "samples": 1..32}
//     regression     -> 200 {"predictions": [{"mean", "std", "epistemicStd", "aleatoricStd", "lower95", "upper95"}], "samples", "step"}
//     classification -> 200 {"predictions": [{"class", "probabilities": {name: p}, "entropy", "mutualInformation"}], "samples", "step"}
// A row the model cannot encode (a missing column, an unknown category, text in a numeric column,
// an unexpected column) is a 400 "bad_row" carrying the DataError's text, which names the row and column.
import { DataError } from "../../dist/infer.js";

export const MAX_ROWS = 256;

/** GET / for a tabular model: its columns (categorical ones with their categories), target and classes. */
export function describeTabular(model) {
  const { features, target } = model.config.data.schema;
  return {
    kind: "tabular", task: model.task, step: model.step, target: target.name,
    columns: features.map((f) => (f.type === "categorical" ? { name: f.name, type: f.type, categories: f.categories } : { name: f.name, type: f.type })),
    ...(target.classes.length ? { classes: target.classes } : {}),
  };
}

/** The rows of a parsed request body; `fail(code, message)` makes the 422 error. */
export function requestRows(value, fail) {
  if (value === null || typeof value !== "object" || Array.isArray(value) || !("rows" in value)) {
    throw fail("bad_request", `expected a JSON object {"rows": [{column: value, ...}], "samples"?: n}`);
  }
  const rows = value.rows;
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > MAX_ROWS) {
    throw fail("bad_rows", `rows: expected an array of 1..${MAX_ROWS} objects, got ${Array.isArray(rows) ? `${rows.length} rows` : typeof rows}`);
  }
  const bad = rows.findIndex((r) => r === null || typeof r !== "object" || Array.isArray(r));
  if (bad >= 0) throw fail("bad_rows", `rows[${bad}]: expected an object of column values, got ${Array.isArray(rows[bad]) ? "an array" : JSON.stringify(rows[bad])}`);
  return rows;
}

/** Predictions of `rows` as JSON; a DataError (a row the model cannot encode) becomes `badRow(message)`. */
export function predictTabular(model, rows, samples, badRow) {
  let p;
  try {
    p = model.predict(rows, { samples });
  } catch (e) {
    if (e instanceof DataError) throw badRow(e.message);
    throw e;
  }
  const n = p.count;
  if (p.task === "regression") {
    return Array.from({ length: n }, (_, i) => ({
      mean: p.mean[i], std: p.std[i], epistemicStd: p.epistemicStd[i], aleatoricStd: p.aleatoricStd[i], lower95: p.lower[i], upper95: p.upper[i],
    }));
  }
  return Array.from({ length: n }, (_, i) => ({
    class: p.classNames[p.predicted[i]],
    probabilities: Object.fromEntries(p.classNames.map((name, k) => [name, p.probs[i * p.classes + k]])),
    entropy: p.entropy[i], mutualInformation: p.mutualInformation[i],
  }));
}
