// NODE-ONLY: the CSV files of a tabular run. prepareTabular fits data.schema (column types,
// categories, class names, standardisation) on the training part, so the checkpoint's config
// encodes raw rows; loadTabularData encodes the training and test parts with that schema.
import { ConfigError, DataError } from "../runtime/errors.js";
import { readTextChecked } from "./files.js";
import { encodeTable, fitSchema, readTable, type Table } from "../data/tabular.js";
import { valueExamples } from "../data/examples.js";
import { testSplit } from "../data/shuffle.js";
import type { TabularRunConfig } from "../models/tabular_config.js";
import type { ExampleSet } from "../models/kind.js";

export const readTableFile = (path: string, what: string): Table => readTable(readTextChecked(path, { what }), path);

/** Training and test rows of data.file (all of it when data.test names a file). */
function parts(cfg: TabularRunConfig, t: Table): { train: Uint32Array; test: Uint32Array | null } {
  const n = t.rows.length;
  if (cfg.data.test !== "") return { train: Uint32Array.from(t.rows.keys()), test: null };
  const split = testSplit(cfg.seed, n, cfg.data.testFraction);
  if (split.test.length < 1 || split.train.length < 2) throw new DataError(`${cfg.data.file}: ${n} rows cannot be split into training rows and a ${cfg.data.testFraction} test share: pass data.test (--test FILE)`);
  return split;
}

function checkNamed(cfg: TabularRunConfig): void {
  if (cfg.data.file === "") throw new ConfigError("data.file: a tabular run needs a CSV file (--data FILE.csv)");
  if (cfg.data.target === "") throw new ConfigError("data.target: name the target column (--target COLUMN)");
}

/** The config with data.schema fitted on the training part of data.file (and data.task resolved). */
export function prepareTabular(cfg: TabularRunConfig): TabularRunConfig {
  checkNamed(cfg);
  const t = readTableFile(cfg.data.file, "data file (--data)");
  const { schema, task } = fitSchema(t, { target: cfg.data.target, features: cfg.data.features, task: cfg.data.task, rows: parts(cfg, t).train });
  return { ...cfg, data: { ...cfg.data, task, features: schema.features.map((f) => f.name), schema } };
}

/** All rows of a CSV file with the target, encoded by a fitted config's schema. */
export function tableExamples(cfg: TabularRunConfig, path: string, name: string, rows?: Uint32Array): ExampleSet {
  const t = readTableFile(path, name);
  const e = encodeTable(t, cfg.data.schema, { withTarget: true, rows });
  return valueExamples({ x: e.x, y: e.y!, width: e.width }, `${path} (${name})`);
}

/** The training and test examples of a fitted tabular config. */
export function loadTabularData(cfg: TabularRunConfig): { train: ExampleSet; test: ExampleSet } {
  checkNamed(cfg);
  if (cfg.data.schema.features.length === 0) throw new ConfigError("data.schema: not fitted (prepareTabular fills it from data.file)");
  const t = readTableFile(cfg.data.file, "data file (--data)");
  const p = parts(cfg, t);
  const enc = (rows: Uint32Array, name: string) => {
    const e = encodeTable(t, cfg.data.schema, { withTarget: true, rows });
    return valueExamples({ x: e.x, y: e.y!, width: e.width }, `${cfg.data.file} (${name})`);
  };
  return { train: enc(p.train, "training part"), test: p.test ? enc(p.test, "test part") : tableExamples(cfg, cfg.data.test, "test file (--test)") };
}
