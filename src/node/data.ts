// NODE-ONLY: the training and test examples a run config names: embedded data (toy1d points,
// synthetic images) from the kind itself, files (MNIST, CIFAR-10 batches, PNG folders, IDX pairs,
// CSV tables) read from disk here.
import type { Runtime } from "../runtime/load.js";
import type { ExampleSet } from "../models/kind.js";
import { kindOf, type KindName, type RunConfig } from "../models/registry.js";
import type { ImageRunConfig } from "../models/image_config.js";
import { imageExamples } from "../data/examples.js";
import { imageTrainingOnlyFields, loadImageData, loadImageTestSet } from "./image_data.js";
import { loadTabularData, loadTabularTestSet, prepareTabular, tableExamples, tabularTrainingOnlyFields } from "./tabular_data.js";
import { ConfigError } from "../runtime/errors.js";
import type { TabularRunConfig } from "../models/tabular_config.js";
import { prepareImage, type NoteSink } from "./image_prepare.js";

export type { NoteSink };

export interface RunData { train: ExampleSet; test: ExampleSet }

/** Readers of file-based data sets, by kind. */
const FILE_DATA: Partial<Record<KindName, (cfg: RunConfig, onNote?: NoteSink) => RunData>> = {
  image(cfg) {
    const d = loadImageData(cfg as ImageRunConfig), name = (cfg as ImageRunConfig).data.dataset;
    return { train: imageExamples(d.train, `${name} training set`), test: imageExamples(d.test, `${name} test set`) };
  },
  tabular: (cfg, onNote) => loadTabularData(cfg as TabularRunConfig, onNote),
};

/** The examples of a run: embedded when the config embeds them, else read from the files it names. */
export function loadData(rt: Runtime, cfg: RunConfig, o: PrepareOptions = {}): RunData {
  const embedded = kindOf(cfg).embeddedData?.(rt, cfg);
  if (embedded) return embedded;
  return FILE_DATA[cfg.kind]!(cfg, o.onNote);
}

/**
 * Readers of the test part alone, by kind, with the data path fields they do not read for a config
 * (the training files, when the config names its own test data).
 */
const TEST_DATA: Partial<Record<KindName, { read: (cfg: RunConfig, onNote?: NoteSink) => ExampleSet; trainingOnlyFields: (cfg: RunConfig) => string[] }>> = {
  image: {
    read: (cfg) => imageExamples(loadImageTestSet(cfg as ImageRunConfig), `${(cfg as ImageRunConfig).data.dataset} test set`),
    trainingOnlyFields: (cfg) => imageTrainingOnlyFields(cfg as ImageRunConfig),
  },
  tabular: {
    read: (cfg, onNote) => loadTabularTestSet(cfg as TabularRunConfig, onNote),
    trainingOnlyFields: (cfg) => tabularTrainingOnlyFields(cfg as TabularRunConfig),
  },
};

/** The test examples of a run (what eval scores), reading no training file it does not need. */
export function loadTestData(rt: Runtime, cfg: RunConfig, o: PrepareOptions = {}): ExampleSet {
  const embedded = kindOf(cfg).embeddedData?.(rt, cfg);
  if (embedded) return embedded.test;
  return TEST_DATA[cfg.kind]!.read(cfg, o.onNote);
}

/** The data path fields loadTestData does not read for this config (the training files, when the test data is separate). */
export function trainingOnlyDataFields(cfg: RunConfig): string[] {
  return TEST_DATA[cfg.kind]?.trainingOnlyFields(cfg) ?? [];
}

/** Configs whose data section is fitted to their files before training (tabular: data.schema; image folders and IDX pairs: class names, input shape). */
const PREPARE: Partial<Record<KindName, (cfg: RunConfig, onNote?: NoteSink) => RunConfig>> = {
  tabular: (cfg, onNote) => ((cfg as TabularRunConfig).data.schema.features.length > 0 ? cfg : prepareTabular(cfg as TabularRunConfig, onNote)),
  image: (cfg, onNote) => prepareImage(cfg as ImageRunConfig, onNote),
};

export interface PrepareOptions {
  /** Told what the data changed or dropped (e.g. "model.height 8 -> 28 (from the PNGs in DIR)"). */
  onNote?: NoteSink;
}

/** The config ready to train: data-dependent fields (a table's schema, an image folder's classes and shape) filled in from its files. */
export function prepareRunConfig(cfg: RunConfig, o: PrepareOptions = {}): RunConfig {
  return PREPARE[cfg.kind]?.(cfg, o.onNote) ?? cfg;
}

/** Readers of a user-named test file (eval --data), by kind. */
const TEST_FILES: Partial<Record<KindName, (cfg: RunConfig, path: string, onNote?: NoteSink) => ExampleSet>> = {
  tabular: (cfg, path, onNote) => tableExamples(cfg as TabularRunConfig, path, "test file (--data)", onNote),
};

/** The examples of a test file for a model of this config (ConfigError for kinds that read no such files). */
export function loadTestFile(cfg: RunConfig, path: string, o: PrepareOptions = {}): ExampleSet {
  const read = TEST_FILES[cfg.kind];
  if (!read) throw new ConfigError(`--data: a ${cfg.kind} model is scored on its config's data; --data FILE.csv is for tabular models`);
  return read(cfg, path, o.onNote);
}
