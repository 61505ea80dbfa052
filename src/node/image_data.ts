// NODE-ONLY: the training and test sets a run config names (MNIST, CIFAR-10 batches, synthetic,
// a PNG folder tree, an IDX pair). A folder or IDX config is prepared first (./image_prepare.ts:
// data.classNames and the model's input shape filled in from the files).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, DataError } from "../runtime/errors.js";
import type { ImageSet } from "../data/dataset.js";
import { cifarImageSet } from "../data/dataset.js";
import { concatCifar, parseCifarBatch } from "../data/cifar.js";
import { syntheticImageSet } from "../data/synthetic.js";
import { testSplit } from "../data/shuffle.js";
import type { ImageRunConfig } from "../models/image_config.js";
import { mnistDataDir, readMnist } from "./mnist.js";
import { readImageFolder, scanImageFolder } from "./image_folder.js";
import { readIdxPair } from "./idx_pair.js";

/** The first `limit` examples (0: all). */
export function limitSet(set: ImageSet, limit: number): ImageSet {
  if (!limit || limit >= set.count) return set;
  const per = set.channels * set.height * set.width;
  return { ...set, count: limit, pixels: set.pixels.subarray(0, limit * per), labels: set.labels.subarray(0, limit) };
}

/** The examples at `indices`, in that order. */
export function subsetImages(set: ImageSet, indices: Uint32Array): ImageSet {
  const per = set.channels * set.height * set.width, pixels = new Uint8Array(indices.length * per), labels = new Uint8Array(indices.length);
  indices.forEach((i, k) => { pixels.set(set.pixels.subarray(i * per, (i + 1) * per), k * per); labels[k] = set.labels[i]!; });
  return { ...set, count: indices.length, pixels, labels };
}

/** Training and test parts of one set: a seeded data.testFraction held out (no test files named). */
function splitOff(set: ImageSet, cfg: ImageRunConfig, name: string): { train: ImageSet; test: ImageSet } {
  const s = testSplit(cfg.seed, set.count, cfg.data.testFraction);
  if (s.test.length < 1 || s.train.length < 2) {
    throw new DataError(`${name}: ${set.count} images cannot be split into training images and a ${cfg.data.testFraction} test share (data.testFraction): add images or name a test set`);
  }
  return { train: subsetImages(set, s.train), test: subsetImages(set, s.test) };
}

function readCifar(dir: string, files: string[]): ImageSet {
  return cifarImageSet(concatCifar(files.map((f) => {
    const p = join(dir, f);
    if (!existsSync(p)) throw new DataError(`CIFAR-10: ${p} does not exist (expected the binary batches data_batch_1..5.bin and test_batch.bin in ${dir})`);
    return parseCifarBatch(new Uint8Array(readFileSync(p)), p);
  })));
}

function unprepared(field: string): never {
  throw new ConfigError(`${field}: not filled in (prepareRunConfig reads it from the data files before training)`);
}

/** One PNG folder tree of a prepared folder config (allClasses: every class of data.classNames must have a folder). */
function readFolder(cfg: ImageRunConfig, dir: string, what: string, allClasses: boolean): ImageSet {
  const d = cfg.data, m = cfg.model;
  if (d.classNames.length === 0) unprepared("data.classNames");
  if (m.channels !== 1 && m.channels !== 3) throw new ConfigError(`model.channels: PNG folders give 1 (grey) or 3 (RGB) channels, got ${m.channels}`);
  return readImageFolder(scanImageFolder(dir, what), { classes: d.classNames, shape: { channels: m.channels as 1 | 3, height: m.height, width: m.width }, allClasses });
}

/** One IDX image/label pair of a prepared idx config, checked against the model's input shape. */
function readIdx(cfg: ImageRunConfig, images: string, labels: string, what: string): ImageSet {
  const d = cfg.data, m = cfg.model;
  if (d.classNames.length === 0) unprepared("data.classNames");
  const set = readIdxPair({ images, labels }, { numClasses: d.classNames.length, what });
  if (set.height !== m.height || set.width !== m.width || m.channels !== 1) {
    throw new DataError(`${images}: expected ${m.height}x${m.width} images for this ${m.channels}-channel model (model.channels, height, width), got ${set.height}x${set.width}`);
  }
  return set;
}

const cifarDir = (cfg: ImageRunConfig) => cfg.data.dir ?? "data/cifar-10-batches-bin";

/** The training set a config names (before the test share is split off, when it has no test files of its own). */
function trainingSet(cfg: ImageRunConfig): ImageSet {
  const d = cfg.data;
  switch (d.dataset) {
    case "mnist": return readMnist("train", d.dir ?? mnistDataDir());
    case "cifar10": return readCifar(cifarDir(cfg), [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`));
    case "synthetic": return syntheticImageSet(d.trainLimit || 1024, cfg.model.classes, cfg.model.height, cfg.seed);
    case "folder": return readFolder(cfg, d.dir!, "training folder (data.dir)", true);
    case "idx": return readIdx(cfg, d.trainImages!, d.trainLabels!, "training (data.trainImages, data.trainLabels)");
  }
}

/** The test set when the config names its own test data; null when the test share is split off the training set. */
function ownTestSet(cfg: ImageRunConfig): ImageSet | null {
  const d = cfg.data;
  switch (d.dataset) {
    case "mnist": return readMnist("test", d.dir ?? mnistDataDir());
    case "cifar10": return readCifar(cifarDir(cfg), ["test_batch.bin"]);
    case "synthetic": return syntheticImageSet(d.testLimit || 256, cfg.model.classes, cfg.model.height, cfg.seed + 1);
    case "folder": return d.testDir === undefined ? null : readFolder(cfg, d.testDir, "test folder (data.testDir)", false);
    case "idx": return d.testImages === undefined ? null : readIdx(cfg, d.testImages, d.testLabels!, "test (data.testImages, data.testLabels)");
  }
}

/** The data fields only the training set is read from when the config names its own test data (eval reads none of them). */
export function imageTrainingOnlyFields(cfg: ImageRunConfig): string[] {
  const d = cfg.data;
  if (d.dataset === "folder" && d.testDir !== undefined) return ["dir"];
  if (d.dataset === "idx" && d.testImages !== undefined) return ["trainImages", "trainLabels"];
  return [];
}

export function loadImageData(cfg: ImageRunConfig): { train: ImageSet; test: ImageSet } {
  const d = cfg.data, train = trainingSet(cfg), own = ownTestSet(cfg);
  const p = own ? { train, test: own } : splitOff(train, cfg, d.dataset === "idx" ? d.trainImages! : d.dir!);
  return { train: limitSet(p.train, d.trainLimit), test: limitSet(p.test, d.testLimit) };
}

/** The test set alone: without reading the training files when the config names its own test data (MNIST, CIFAR-10, data.testDir, data.testImages). */
export function loadImageTestSet(cfg: ImageRunConfig): ImageSet {
  const own = ownTestSet(cfg);
  return own ? limitSet(own, cfg.data.testLimit) : loadImageData(cfg).test;
}
