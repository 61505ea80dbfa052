// `sdebnn predict`: predictions with uncertainty for the inputs of any kind's model: class
// probabilities, entropy and mutual information; or the predictive mean, std and 95 % interval.
import { init } from "../node.js";
import { UsageError, type FlagValue } from "./args.js";
import { DataError, SdebnnError } from "../runtime/errors.js";
import { loadModel, type Prediction } from "../api/model.js";
import { readInputs, type ReadOptions } from "../node/inputs.js";
import type { PixelScale } from "../data/json_images.js";
import { readFileChecked } from "../node/files.js";
import { writeFileAtomic } from "../node/atomic.js";
import { kindOf } from "../models/registry.js";
import { isDirectory, predictDirFiles } from "../node/predict_dir.js";
import { parseMnistLabels } from "../data/idx.js";
import { maybeGunzipSync } from "../node/gzip.js";
import type { Model } from "../api/model.js";

const classNamesOf = (m: Model): string[] => kindOf(m.config).classNames?.(m.config) ?? [];

/** One JSON-ready record per input row; `truth` holds each row's true class index (a class folder, --labels). */
function rows(p: Prediction, input: string, truth?: ArrayLike<number>): Record<string, unknown>[] {
  if (p.task === "classification") {
    return Array.from({ length: p.count }, (_, i) => ({
      input, index: i, ...(truth ? { trueClass: p.classNames[truth[i]!] ?? String(truth[i]) } : {}),
      predicted: p.predicted[i], ...(p.classNames.length ? { className: p.classNames[p.predicted[i]!] } : {}),
      probabilities: Array.from(p.probs.subarray(i * p.classes, (i + 1) * p.classes)), entropy: p.entropy[i], mutualInformation: p.mutualInformation[i],
    }));
  }
  return Array.from({ length: p.count }, (_, i) => ({
    input, index: i, mean: p.mean[i], std: p.std[i], epistemicStd: p.epistemicStd[i], aleatoricStd: p.aleatoricStd[i], lower95: p.lower[i], upper95: p.upper[i],
  }));
}

/** Accuracy and mean entropy (nats) over the rows with a true class, in row order; null when no row has one. */
export function labelledSummary(results: Record<string, unknown>[]): { images: number; correct: number; accuracy: number; meanEntropy: number } | null {
  const known = results.filter((r) => r.trueClass !== undefined);
  if (known.length === 0) return null;
  let correct = 0, entropy = 0;
  for (const r of known) {
    if (r.className === r.trueClass) correct++;
    entropy += r.entropy as number;
  }
  return { images: known.length, correct, accuracy: correct / known.length, meanEntropy: entropy / known.length };
}

function line(r: Record<string, unknown>): string {
  const f = (v: unknown) => (v as number).toFixed(4);
  if ("probabilities" in r) {
    const probs = r.probabilities as number[];
    const truth = r.trueClass === undefined ? "" : `; true ${r.trueClass}`;
    return `${r.input}#${r.index}: class ${r.className ?? r.predicted} (p ${f(probs[r.predicted as number])}${truth}), entropy ${f(r.entropy)}, ` +
      `MI ${f(r.mutualInformation)}  [${probs.map((v) => v.toFixed(3)).join(" ")}]`;
  }
  return `${r.input}#${r.index}: mean ${f(r.mean)}, std ${f(r.std)} (epistemic ${f(r.epistemicStd)}, aleatoric ${f(r.aleatoricStd)}), ` +
    `95 % interval [${f(r.lower95)}, ${f(r.upper95)}]`;
}

const csvCell = (v: unknown): string => {
  const t = typeof v === "number" ? String(v) : String(v ?? "");
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

/** The predictions as CSV: one line per input row (class probabilities as p_<class> columns; true_class when a row has one). */
export function predictionsCsv(p: Record<string, unknown>[], classNames: string[]): string {
  if (p.length === 0) return "";
  const cls = "probabilities" in p[0]!;
  const K = cls ? (p[0]!.probabilities as number[]).length : 0;
  const names = Array.from({ length: K }, (_, k) => `p_${classNames[k] ?? k}`);
  const truth = cls && p.some((r) => r.trueClass !== undefined) ? ["true_class"] : [];
  const header = cls ? ["input", "row", ...truth, "predicted", ...names, "entropy", "mutual_information"]
    : ["input", "row", "mean", "std", "epistemic_std", "aleatoric_std", "lower95", "upper95"];
  const body = p.map((r) => (cls
    ? [r.input, r.index, ...(truth.length ? [r.trueClass] : []), r.className ?? r.predicted, ...(r.probabilities as number[]), r.entropy, r.mutualInformation]
    : [r.input, r.index, r.mean, r.std, r.epistemicStd, r.aleatoricStd, r.lower95, r.upper95]).map(csvCell).join(","));
  return [header.map(csvCell).join(","), ...body].join("\n") + "\n";
}

/** --background: black (default), white or a grey level 0..255 under transparent PNG pixels. */
function parseBackground(v: FlagValue | undefined): number {
  if (v === undefined || v === "black") return 0;
  if (v === "white") return 255;
  const t = String(v);
  if (/^(0|[1-9]\d{0,2})$/.test(t) && Number(t) <= 255) return Number(t);
  throw new UsageError(`--background: expected black, white or a grey level 0..255, got ${JSON.stringify(t)}`);
}

/** What predict reads: a file, with the true class of each of its rows when known. */
interface Item { path: string; truth?: ArrayLike<number> }

/** The files of the INPUTs: a directory stands for its PNGs (./predict_dir.ts), `--labels` gives the rows of one file their classes. */
function inputItems(model: Model, inputs: string[], labels: string | undefined): Item[] {
  const items = inputs.flatMap((input): Item[] => {
    if (!isDirectory(input)) return [{ path: input }];
    if (model.kind !== "image") throw new UsageError(`${input} is a directory: a directory INPUT (its PNG files) is for image models, this is a ${model.kind} model`, "predict");
    return predictDirFiles(input, classNamesOf(model)).map((f) => (f.label === undefined ? { path: f.path } : { path: f.path, truth: [f.label] }));
  });
  if (labels === undefined) return items;
  if (model.kind !== "image" || inputs.length !== 1 || items.length !== 1 || items[0]!.truth) {
    throw new UsageError("--labels FILE goes with one INPUT file of images (an IDX image file, e.g. t10k-images-idx3-ubyte) of an image model", "predict");
  }
  const bytes = maybeGunzipSync(readFileChecked(labels, { what: "labels (--labels)" }), { name: labels });
  return [{ path: items[0]!.path, truth: parseMnistLabels(bytes, labels, classNamesOf(model).length).labels }];
}

export async function predictCommand(flags: Record<string, FlagValue | undefined>, inputs: string[], json: boolean): Promise<number> {
  if (inputs.length === 0) throw new UsageError("predict needs at least one INPUT file");
  if (((flags.set as string[] | undefined) ?? []).length > 0) {
    throw new UsageError("predict reads its INPUT files with the model's own encoding: data options (--set data.*) are for train, eval and reproduce", "predict");
  }
  const path = String(flags.checkpoint);
  const rt = await init();
  const model = await loadModel(rt, readFileChecked(path, { what: "checkpoint (--checkpoint)" }), { name: path });
  const samples = flags.samples === undefined ? model.config.eval.samples : Number(flags.samples);
  const read: ReadOptions = { scale: flags.scale as PixelScale | undefined, background: parseBackground(flags.background) };
  const labels = flags.labels === undefined ? undefined : String(flags.labels);
  const results: Record<string, unknown>[] = [];
  // one predict call per file: a file's prediction does not depend on the other files given or in its folder
  for (const item of inputItems(model, inputs, labels)) {
    const x = await readInputs(model.config, item.path, read);
    let p: Prediction;
    try {
      p = model.predict(x, { samples });
    } catch (e) {
      if (e instanceof SdebnnError) e.message = `${item.path}: ${e.message}`; // name the file whose rows failed
      throw e;
    }
    if (item.truth && item.truth.length !== p.count) {
      throw new DataError(`${labels}: label count does not match ${item.path}: expected ${p.count} labels, got ${item.truth.length}`);
    }
    results.push(...rows(p, item.path, item.truth));
  }
  const summary = labelledSummary(results);
  if (flags.out !== undefined) await writeFileAtomic(String(flags.out), predictionsCsv(results, classNamesOf(model)));
  if (json) console.log(JSON.stringify({ checkpoint: path, kind: model.kind, samples, predictions: results, ...(summary ? { summary } : {}) }));
  else {
    for (const r of results) console.log(line(r));
    if (summary) {
      console.log(`accuracy ${(100 * summary.accuracy).toFixed(2)} % (${summary.correct} of ${summary.images} images with a true class), mean entropy ${summary.meanEntropy.toFixed(4)}`);
    }
  }
  return 0;
}
