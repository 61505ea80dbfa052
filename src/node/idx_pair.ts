// NODE-ONLY: an IDX image file and its IDX label file (the MNIST format, e.g. Fashion-MNIST or
// KMNIST), raw or gzipped, as one ImageSet [N, 1, rows, cols]. Labels may be any byte; the class
// count is given (the model's) or the largest label + 1.
import { DataError } from "../runtime/errors.js";
import { checkPaired, parseMnistImages, parseMnistLabels } from "../data/idx.js";
import type { ImageSet } from "../data/dataset.js";
import { maybeGunzipSync } from "./gzip.js";
import { readFileChecked } from "./files.js";

export interface IdxPairPaths { images: string; labels: string }

const readIdx = (path: string, what: string) => maybeGunzipSync(readFileChecked(path, { what }), { name: path });

/** The images and labels of an IDX pair; DataError when the counts differ or a label is >= numClasses. */
export function readIdxPair(p: IdxPairPaths, o: { numClasses?: number; what: string }): ImageSet {
  const images = parseMnistImages(readIdx(p.images, `${o.what} images`), p.images);
  const labels = parseMnistLabels(readIdx(p.labels, `${o.what} labels`), p.labels, o.numClasses ?? 256);
  checkPaired(images, labels, p.images, p.labels);
  if (images.count === 0) throw new DataError(`${p.images}: no images (the IDX header declares 0)`);
  let max = 0;
  for (const l of labels.labels) max = Math.max(max, l);
  return { count: images.count, channels: 1, height: images.rows, width: images.cols, pixels: images.pixels, labels: labels.labels, numClasses: o.numClasses ?? max + 1 };
}
