// Figures of a finished run, written next to its metrics: the learning curve, the reliability
// diagram (classification) and the kind's own figures (e.g. toy1d's predictive band).
import { join } from "node:path";
import type { Runtime } from "../runtime/load.js";
import type { ExampleSet } from "../models/kind.js";
import type { SetMetrics } from "../eval/score.js";
import type { RunRecord } from "../train/loop.js";
import type { Trainer } from "../train/trainer.js";
import { reliabilityDiagram } from "../eval/metrics.js";
import { writeFileAtomic } from "./atomic.js";
import { chart } from "../plot/svg.js";

/** Training loss (and validation NLL) against updates. */
export function learningCurve(records: readonly RunRecord[], title: string): string {
  const ok = (v: number) => Number.isFinite(v);
  const val = records.filter((r) => ok(r.valNll));
  return chart({
    title, xLabel: "update", yLabel: "loss",
    series: [
      { name: "training loss", x: records.map((r) => r.step), y: records.map((r) => r.trainLoss), color: "#1f77b4", width: 2 },
      ...(val.length ? [{ name: "validation NLL", x: val.map((r) => r.step), y: val.map((r) => r.valNll), color: "#d62728", width: 2 }] : []),
    ],
  });
}

/** Writes the run's figures into `dir` (with the evaluation weights in place); returns their paths. */
export async function runFigures(rt: Runtime, dir: string, t: Trainer, data: { train: ExampleSet; test: ExampleSet },
                                 test: SetMetrics, records: readonly RunRecord[]): Promise<string[]> {
  const figs: { file: string; svg: string }[] = [{ file: "learning_curve.svg", svg: learningCurve(records, `${t.cfg.kind}: learning curve`) }];
  if (test.task === "classification") figs.push({ file: "reliability.svg", svg: reliabilityDiagram(test, `${t.cfg.kind}: reliability on the test set (${test.samples} samples)`) });
  figs.push(...(t.kind.figures?.(rt, t.cfg, t.model, data) ?? []));
  const paths: string[] = [];
  for (const f of figs) {
    const p = join(dir, f.file);
    await writeFileAtomic(p, f.svg);
    paths.push(p);
  }
  return paths;
}
