// Tabular regression and classification (../data/tabular.ts, ./tabular.ts) as a model kind. The
// data come from a CSV file (src/node/tabular_data.ts fills data.schema from its training part) or
// are the embedded toy1d points of the paper's Fig. 2 (./toy1d_data.ts; data.schema from data.toy1d).
import { ArgumentError, ConfigError } from "../runtime/errors.js";
import { encodedWidth, encodeRecords, type TableRow } from "../data/table_schema.js";
import { flatten, type ModelInput, type ModelKind, type Task } from "./kind.js";
import { TabularModel, tabularMaxSamples } from "./tabular.js";
import { refuseIgnoredDataOptions } from "../config/data_options.js";
import { tabularRunSchema, type TabularRunConfig } from "./tabular_config.js";
import { toy1dDataDefaults, toy1dExamples, toy1dTableSchema, trueFunction } from "./toy1d_data.js";
import { bandFigure, hasOneFeature, predictiveBand, toy1dBandMetrics } from "./tabular_band.js";
import type { ValueRows } from "../data/examples.js";

/** The data.* fields the embedded toy1d points read (the CSV options are refused beside them). */
const TOY1D_USED = ["dataset", "toy1d", "valFraction", "schema"];

const taskOf = (cfg: TabularRunConfig): Task => (cfg.data.schema.target.classes.length > 0 ? "classification" : "regression");

const isRecords = (v: ModelInput): v is readonly TableRow[] =>
  Array.isArray(v) && v.length > 0 && v[0] !== null && typeof v[0] === "object" && !Array.isArray(v[0]);

export const tabularKind: ModelKind<TabularRunConfig> = {
  name: "tabular",
  task: "regression",
  taskOf,
  schema: tabularRunSchema,
  description: "tabular regression or classification from a CSV file (or the embedded toy1d points of the paper's Fig. 2): one SDE-BNN block of ConcatSquash layers and a Dense head (or the readout of h(T))",
  maxSamples: (cfg) => tabularMaxSamples(cfg.model),
  build: (rt, cfg) => new TabularModel(rt, cfg),
  classNames: (cfg) => [...cfg.data.schema.target.classes],
  modelDataFields: ["schema", "target", "features", "task"],
  complete(cfg) {
    if (cfg.data.dataset !== "toy1d") return cfg;
    // the toy1d points' schema follows from data.toy1d: x standardised by its center and scale, target y as is
    const toy1d = cfg.data.toy1d ?? toy1dDataDefaults(), schema = toy1dTableSchema(toy1d);
    const given = cfg.data.schema;
    if (given.features.length > 0 && JSON.stringify(given) !== JSON.stringify(schema)) {
      throw new ConfigError(`config field 'data.schema': data.dataset "toy1d" gives ${JSON.stringify(schema)} (from data.toy1d), got ${JSON.stringify(given)}: ` +
        "set data.toy1d.center and data.toy1d.scale instead (they belong to a trained model)");
    }
    return { ...cfg, data: { ...cfg.data, toy1d, schema } };
  },
  checkConfig(cfg) {
    const data = tabularRunSchema.fields.data, all = Object.keys(data.fields);
    if (cfg.data.dataset === "toy1d") refuseIgnoredDataOptions(data, cfg.data, { used: TOY1D_USED, by: 'data.dataset "toy1d" (the embedded points)' });
    else refuseIgnoredDataOptions(data, cfg.data, { used: all.filter((k) => k !== "toy1d"), by: 'data.dataset "csv"' });
    if (cfg.data.test !== "") {
      refuseIgnoredDataOptions(data, cfg.data, { used: all.filter((k) => k !== "testFraction" && k !== "toy1d"), by: "a run with a test file (data.test)" });
    }
  },
  embeddedData: (rt, cfg) => (cfg.data.dataset === "toy1d" ? toy1dExamples(rt, cfg.seed, cfg.data.toy1d!) : null),
  /** A 1-feature regression: the prior and posterior predictive band (paper Fig. 2) over the data's x range and a quarter of it either side. */
  figures(rt, cfg, model, data) {
    if (!hasOneFeature(cfg)) return [];
    const f = cfg.data.schema.features[0]!, rows = (data.train as { rows?: ValueRows }).rows;
    if (!rows || rows.x.length === 0) return [];
    const x = Array.from(rows.x, (v) => v * f.scale + f.center); // raw x of the encoded rows (plot coordinates)
    const a = Math.min(...x), b = Math.max(...x), pad = 0.25 * (b - a || 1);
    const o = { range: [a - pad, b + pad] as const, points: 241 };
    const bands = { prior: predictiveBand(rt, model, cfg, { ...o, prior: true }), posterior: predictiveBand(rt, model, cfg, o) };
    const truth = cfg.data.dataset === "toy1d" ? { name: "cos(x)", y: trueFunction(rt, bands.posterior.x) } : undefined;
    const label = cfg.model.sigma > 0 ? `SDE-BNN, sigma ${cfg.model.sigma}` : "ODE limit";
    return [{ file: "posterior.svg", svg: bandFigure(bands, { x, y: rows.y, truth }, label, [f.name, cfg.data.schema.target.name]) }];
  },
  /** The toy1d points: the band's coverage of the true function and its gap/data std ratio. */
  report: (rt, cfg, model) => (cfg.data.dataset === "toy1d" ? { ...toy1dBandMetrics(rt, predictiveBand(rt, model, cfg), cfg) } : null),
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
