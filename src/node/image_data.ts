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

function readFolderData(cfg: ImageRunConfig): { train: ImageSet; test: ImageSet } {
  const d = cfg.data, m = cfg.model;
  if (d.classNames.length === 0) unprepared("data.classNames");
  if (m.channels !== 1 && m.channels !== 3) throw new ConfigError(`model.channels: PNG folders give 1 (grey) or 3 (RGB) channels, got ${m.channels}`);
  const read = (dir: string, what: string, allClasses: boolean) =>
    readImageFolder(scanImageFolder(dir, what), { classes: d.classNames, shape: { channels: m.channels as 1 | 3, height: m.height, width: m.width }, allClasses });
  const train = read(d.dir!, "training folder (data.dir)", true);
  return d.testDir === undefined ? splitOff(train, cfg, d.dir!) : { train, test: read(d.testDir, "test folder (data.testDir)", false) };
}

function readIdxData(cfg: ImageRunConfig): { train: ImageSet; test: ImageSet } {
  const d = cfg.data, m = cfg.model;
  if (d.classNames.length === 0) unprepared("data.classNames");
  const read = (images: string, labels: string, what: string) => {
    const set = readIdxPair({ images, labels }, { numClasses: d.classNames.length, what });
    if (set.height !== m.height || set.width !== m.width || m.channels !== 1) {
      throw new DataError(`${images}: expected ${m.height}x${m.width} images for this ${m.channels}-channel model (model.channels, height, width), got ${set.height}x${set.width}`);
    }
    return set;
  };
  const train = read(d.trainImages!, d.trainLabels!, "training (data.trainImages, data.trainLabels)");
  return d.testImages === undefined ? splitOff(train, cfg, d.trainImages!) : { train, test: read(d.testImages, d.testLabels!, "test (data.testImages, data.testLabels)") };
}

export function loadImageData(cfg: ImageRunConfig): { train: ImageSet; test: ImageSet } {
  const d = cfg.data, m = cfg.model;
  let train: ImageSet, test: ImageSet;
  switch (d.dataset) {
    case "mnist": {
      const dir = d.dir ?? mnistDataDir();
      train = readMnist("train", dir);
      test = readMnist("test", dir);
      break;
    }
    case "cifar10": {
      const dir = d.dir ?? "data/cifar-10-batches-bin";
      train = readCifar(dir, [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`));
      test = readCifar(dir, ["test_batch.bin"]);
      break;
    }
    case "synthetic":
      train = syntheticImageSet(d.trainLimit || 1024, m.classes, m.height, cfg.seed);
      test = syntheticImageSet(d.testLimit || 256, m.classes, m.height, cfg.seed + 1);
      break;
    case "folder": ({ train, test } = readFolderData(cfg)); break;
    case "idx": ({ train, test } = readIdxData(cfg)); break;
  }
  return { train: limitSet(train, d.trainLimit), test: limitSet(test, d.testLimit) };
}
