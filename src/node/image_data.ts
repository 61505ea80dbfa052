// NODE-ONLY: the training and test sets a run config names (MNIST, CIFAR-10 batches, synthetic).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../runtime/errors.js";
import type { ImageSet } from "../data/dataset.js";
import { cifarImageSet } from "../data/dataset.js";
import { concatCifar, parseCifarBatch } from "../data/cifar.js";
import { syntheticImageSet } from "../data/synthetic.js";
import type { ImageRunConfig } from "../models/image_config.js";
import { mnistDataDir, readMnist } from "./mnist.js";

/** The first `limit` examples (0: all). */
export function limitSet(set: ImageSet, limit: number): ImageSet {
  if (!limit || limit >= set.count) return set;
  const per = set.channels * set.height * set.width;
  return { ...set, count: limit, pixels: set.pixels.subarray(0, limit * per), labels: set.labels.subarray(0, limit) };
}

function readCifar(dir: string, files: string[]): ImageSet {
  return cifarImageSet(concatCifar(files.map((f) => {
    const p = join(dir, f);
    if (!existsSync(p)) throw new DataError(`CIFAR-10: ${p} does not exist (expected the binary batches data_batch_1..5.bin and test_batch.bin in ${dir})`);
    return parseCifarBatch(new Uint8Array(readFileSync(p)), p);
  })));
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
  }
  return { train: limitSet(train, d.trainLimit), test: limitSet(test, d.testLimit) };
}
