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
import { dropMissingRows, droppedNote } from "../data/table_missing.js";
import type { NoteSink } from "./image_prepare.js";

export const readTableFile = (path: string, what: string): Table => readTable(readTextChecked(path, { what }), path);

/** The columns a config reads: the fitted schema's, else the named ones (every column when no features are named). */
function usedColumns(cfg: TabularRunConfig, t: Table): string[] {
  const s = cfg.data.schema;
  if (s.features.length > 0) return [...s.features.map((f) => f.name), s.target.name];
  return cfg.data.features.length > 0 ? [...cfg.data.features, cfg.data.target] : t.header;
}

/** A data file of the run, its rows with missing values dropped (and reported) under data.dropMissing. */
function runTable(cfg: TabularRunConfig, path: string, what: string, onNote?: NoteSink): Table {
  const t = readTableFile(path, what);
  if (!cfg.data.dropMissing) return t;
  const d = dropMissingRows(t, usedColumns(cfg, t));
  if (d.lines.length > 0) onNote?.(droppedNote(t, d));
  return d.table;
}

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
export function prepareTabular(cfg: TabularRunConfig, onNote?: NoteSink): TabularRunConfig {
  checkNamed(cfg);
  const t = runTable(cfg, cfg.data.file, "data file (--data)", onNote);
  const { schema, task } = fitSchema(t, { target: cfg.data.target, features: cfg.data.features, task: cfg.data.task, rows: parts(cfg, t).train });
  return { ...cfg, data: { ...cfg.data, task, features: schema.features.map((f) => f.name), schema } };
}

/** All rows of a CSV file with the target, encoded by a fitted config's schema. */
export function tableExamples(cfg: TabularRunConfig, path: string, name: string, onNote?: NoteSink): ExampleSet {
  const t = runTable(cfg, path, name, onNote);
  const e = encodeTable(t, cfg.data.schema, { withTarget: true });
  return valueExamples({ x: e.x, y: e.y!, width: e.width }, `${path} (${name})`);
}

/** The training and test examples of a fitted tabular config. */
export function loadTabularData(cfg: TabularRunConfig, onNote?: NoteSink): { train: ExampleSet; test: ExampleSet } {
  checkNamed(cfg);
  checkFitted(cfg);
  const t = runTable(cfg, cfg.data.file, "data file (--data)", onNote);
  const p = parts(cfg, t);
  const enc = (rows: Uint32Array, name: string) => {
    const e = encodeTable(t, cfg.data.schema, { withTarget: true, rows });
    return valueExamples({ x: e.x, y: e.y!, width: e.width }, `${cfg.data.file} (${name})`);
  };
  return { train: enc(p.train, "training part"), test: p.test ? enc(p.test, "test part") : testFileExamples(cfg, onNote) };
}

function checkFitted(cfg: TabularRunConfig): void {
  if (cfg.data.schema.features.length === 0) throw new ConfigError("data.schema: not fitted (prepareTabular fills it from data.file)");
}

/** The rows of the test file data.test, encoded by the fitted schema. */
const testFileExamples = (cfg: TabularRunConfig, onNote?: NoteSink) => tableExamples(cfg, cfg.data.test, "test file (--test)", onNote);

/** The test examples alone: data.test without reading data.file when it is named, else the test share of data.file. */
export function loadTabularTestSet(cfg: TabularRunConfig, onNote?: NoteSink): ExampleSet {
  if (cfg.data.test === "") return loadTabularData(cfg, onNote).test;
  checkFitted(cfg);
  return testFileExamples(cfg, onNote);
}

/** The data fields only the training rows are read from when data.test names the test file (eval reads none of them). */
export const tabularTrainingOnlyFields = (cfg: TabularRunConfig): string[] => (cfg.data.test !== "" ? ["file"] : []);
