// Tabular regression and classification (../data/tabular.ts, ./tabular.ts) as a model kind. The
// data come from a CSV file (src/node/tabular_data.ts fills data.schema from its training part).
import { ArgumentError } from "../runtime/errors.js";
import { encodedWidth, encodeRecords, type TableRow } from "../data/table_schema.js";
import { flatten, type ModelInput, type ModelKind, type Task } from "./kind.js";
import { TabularModel } from "./tabular.js";
import { refuseIgnoredDataOptions } from "../config/data_options.js";
import { tabularRunSchema, type TabularRunConfig } from "./tabular_config.js";

const taskOf = (cfg: TabularRunConfig): Task => (cfg.data.schema.target.classes.length > 0 ? "classification" : "regression");

const isRecords = (v: ModelInput): v is readonly TableRow[] =>
  Array.isArray(v) && v.length > 0 && v[0] !== null && typeof v[0] === "object" && !Array.isArray(v[0]);

export const tabularKind: ModelKind<TabularRunConfig> = {
  name: "tabular",
  task: "regression",
  taskOf,
  schema: tabularRunSchema,
  description: "tabular regression or classification from a CSV file: one SDE-BNN block of ConcatSquash layers and a Dense head",
  maxSamples: () => 128,
  build: (rt, cfg) => new TabularModel(rt, cfg),
  classNames: (cfg) => [...cfg.data.schema.target.classes],
  modelDataFields: ["schema", "target", "features", "task"],
  checkConfig(cfg) {
    const all = Object.keys(tabularRunSchema.fields.data.fields);
    if (cfg.data.test !== "") {
      refuseIgnoredDataOptions(tabularRunSchema.fields.data, cfg.data, { used: all.filter((k) => k !== "testFraction"), by: "a run with a test file (data.test)" });
    }
  },
  /** Rows of named raw values ({ column: value }), or rows of numbers in the feature order (numeric features only). */
  encodeInputs(cfg, inputs) {
    const schema = cfg.data.schema;
    if (isRecords(inputs)) return encodeRecords(inputs, schema);
    const cat = schema.features.find((f) => f.type === "categorical");
    if (cat) throw new ArgumentError(`inputs: this model has a categorical feature ${JSON.stringify(cat.name)}: pass rows of named values ({ column: value })`);
    const flat = flatten(inputs), F = schema.features.length;
    if (flat.length === 0 || flat.length % F !== 0) throw new ArgumentError(`inputs: expected rows of ${F} values (${schema.features.map((f) => f.name).join(", ")}), got ${flat.length} values`);
    return encodeRecords(Array.from({ length: flat.length / F }, (_, i) =>
      Object.fromEntries(schema.features.map((f, j) => [f.name, flat[i * F + j]!]))), schema);
  },
  checkData(cfg, set) {
    const w = encodedWidth(cfg.data.schema), task = taskOf(cfg);
    if (set.inputSize !== w || set.task !== task) {
      throw new ArgumentError(`${set.name}: this tabular model takes ${w} encoded values and ${task} targets per row, got ${set.inputSize} and ${set.task} targets`);
    }
  },
};
