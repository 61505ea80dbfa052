// `sdebnn predict`: predictions with uncertainty for the inputs of any kind's model: class
// probabilities, entropy and mutual information; or the predictive mean, std and 95 % interval.
import { init } from "../node.js";
import { UsageError, type FlagValue } from "./args.js";
import { SdebnnError } from "../runtime/errors.js";
import { loadModel, type Prediction } from "../api/model.js";
import { readInputs, type ReadOptions } from "../node/inputs.js";
import type { PixelScale } from "../data/json_images.js";
import { readFileChecked } from "../node/files.js";

/** One JSON-ready record per input row. */
function rows(p: Prediction, input: string): Record<string, unknown>[] {
  if (p.task === "classification") {
    return Array.from({ length: p.count }, (_, i) => ({
      input, index: i, predicted: p.predicted[i], ...(p.classNames.length ? { className: p.classNames[p.predicted[i]!] } : {}),
      probabilities: Array.from(p.probs.subarray(i * p.classes, (i + 1) * p.classes)), entropy: p.entropy[i], mutualInformation: p.mutualInformation[i],
    }));
  }
  return Array.from({ length: p.count }, (_, i) => ({
    input, index: i, mean: p.mean[i], std: p.std[i], epistemicStd: p.epistemicStd[i], aleatoricStd: p.aleatoricStd[i], lower95: p.lower[i], upper95: p.upper[i],
  }));
}

function line(r: Record<string, unknown>): string {
  const f = (v: unknown) => (v as number).toFixed(4);
  if ("probabilities" in r) {
    const probs = r.probabilities as number[];
    return `${r.input}#${r.index}: class ${r.className ?? r.predicted} (p ${f(probs[r.predicted as number])}), entropy ${f(r.entropy)}, ` +
      `MI ${f(r.mutualInformation)}  [${probs.map((v) => v.toFixed(3)).join(" ")}]`;
  }
  return `${r.input}#${r.index}: mean ${f(r.mean)}, std ${f(r.std)} (epistemic ${f(r.epistemicStd)}, aleatoric ${f(r.aleatoricStd)}), ` +
    `95 % interval [${f(r.lower95)}, ${f(r.upper95)}]`;
}

/** --background: black (default), white or a grey level 0..255 under transparent PNG pixels. */
function parseBackground(v: FlagValue | undefined): number {
  if (v === undefined || v === "black") return 0;
  if (v === "white") return 255;
  const t = String(v);
  if (/^(0|[1-9]\d{0,2})$/.test(t) && Number(t) <= 255) return Number(t);
  throw new UsageError(`--background: expected black, white or a grey level 0..255, got ${JSON.stringify(t)}`);
}

export async function predictCommand(flags: Record<string, FlagValue | undefined>, inputs: string[], json: boolean): Promise<number> {
  if (inputs.length === 0) throw new UsageError("predict needs at least one INPUT file");
  const path = String(flags.checkpoint);
  const rt = await init();
  const model = await loadModel(rt, readFileChecked(path, { what: "checkpoint (--checkpoint)" }), { name: path });
  const samples = flags.samples === undefined ? model.config.eval.samples : Number(flags.samples);
  const read: ReadOptions = { scale: flags.scale as PixelScale | undefined, background: parseBackground(flags.background) };
  const results: Record<string, unknown>[] = [];
  for (const input of inputs) {
    const x = await readInputs(model.config, input, read);
    try {
      results.push(...rows(model.predict(x, { samples }), input));
    } catch (e) {
      if (e instanceof SdebnnError) e.message = `${input}: ${e.message}`; // name the file whose rows failed
      throw e;
    }
  }
  if (json) console.log(JSON.stringify({ checkpoint: path, kind: model.kind, samples, predictions: results }));
  else for (const r of results) console.log(line(r));
  return 0;
}
