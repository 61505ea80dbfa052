// The one chunked prediction path of every kind: rows go through the model in chunks of `batch`;
// chunk c of draw d uses evaluation noise index d * 65536 + c, so a set scored in one call and the
// same rows predicted through a loaded model give the same bits. Samples of a chunk may be split
// over worker executors (each sample has its own noise streams: the same bits).
import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import type { KindModel, SampleRange, Task } from "./kind.js";
import { checkSampleCount } from "./kind.js";

export interface PredictOptions {
  samples: number;
  /** Rows per chunk. */
  batch: number;
  /** Evaluation noise draw (0: the default). */
  draw?: number;
  /** Keep the per-sample outputs (samples x rows x outputs). */
  perSample?: boolean;
  /** Called after each chunk with the rows done and the total (progress of long scoring passes). */
  onChunk?: (done: number, total: number) => void;
  /**
   * Awaited after each chunk by the async path (predictRowsParallel); it may yield to the event
   * loop (so that signals are delivered during a long pass). Returning true ends the pass with a
   * PredictionStopped error.
   */
  between?: () => Promise<boolean>;
}

/** A prediction pass ended early because `between` asked for it (e.g. a stop signal). */
export class PredictionStopped extends Error {
  constructor(readonly rowsDone: number, readonly rows: number) {
    super(`the prediction pass was stopped after ${rowsDone} of ${rows} rows`);
    this.name = "PredictionStopped";
  }
}

/**
 * Per-row predictive summaries. Classification: `mean` holds the model-averaged probabilities
 * (rows x classes), with predictive entropy and mutual information in nats. Regression: `mean`
 * holds the predictive mean (rows), `stdEpistemic` the std of the function samples, `stdAleatoric`
 * the likelihood's noise std and `stdTotal` = sqrt(epistemic^2 + aleatoric^2) (the law of total
 * variance; a heteroscedastic head's aleatoric variance is its noise variance averaged over samples).
 */
export interface RowPrediction {
  task: Task;
  rows: number;
  samples: number;
  outputs: number;
  mean: Float32Array;
  entropy: Float32Array | null;
  mutualInformation: Float32Array | null;
  stdEpistemic: Float32Array | null;
  /** The observation noise's std: per row for a heteroscedastic head, else the likelihood's constant. */
  stdAleatoric: Float32Array | null;
  stdTotal: Float32Array | null;
  sampleOutputs: Float32Array | null;
}

/** Computes sample ranges of one chunk elsewhere (a worker holding the same model). */
export interface SampleExecutor { predictSamples(x: Float32Array, rows: number, range: SampleRange, params: Float32Array): Promise<Float32Array> }

function check(model: KindModel, x: Float32Array, o: PredictOptions): number {
  const per = model.inputSize;
  if (x.length === 0 || x.length % per !== 0) throw new ArgumentError(`inputs: expected a positive multiple of ${per} values per row, got ${x.length}`);
  checkSampleCount(o.samples, model.maxSamples);
  if (!(Number.isInteger(o.batch) && o.batch >= 1)) throw new ArgumentError(`batch must be a positive integer, got ${o.batch}`);
  return x.length / per;
}

class Assembler {
  readonly p: RowPrediction;
  constructor(private readonly rt: Runtime, private readonly model: KindModel, task: Task, rows: number, private readonly o: PredictOptions) {
    const K = model.outputSize, S = o.samples;
    const cls = task === "classification";
    this.p = {
      task, rows, samples: S, outputs: K, mean: new Float32Array(rows * K),
      entropy: cls ? new Float32Array(rows) : null, mutualInformation: cls ? new Float32Array(rows) : null,
      stdEpistemic: cls ? null : new Float32Array(rows * K), stdAleatoric: cls ? null : new Float32Array(rows * K),
      stdTotal: cls ? null : new Float32Array(rows * K),
      sampleOutputs: o.perSample ? new Float32Array(S * rows * K) : null,
    };
  }
  /** The summary of chunk rows [start, start + count) from their samples x count x sampleWidth outputs. */
  add(start: number, count: number, out: Float32Array): void {
    const { rt, p } = this, K = p.outputs, S = p.samples, W = sampleWidth(this.model);
    rt.arena.scoped(() => {
      const P = rt.arena.f32From(out), M = rt.arena.f32(count * K);
      if (p.task === "classification") {
        const H = rt.arena.f32(count), I = rt.arena.f32(count);
        rt.wasm.predictive_summary(P.ptr, S, count, K, M.ptr, H.ptr, I.ptr);
        p.entropy!.set(H.view, start);
        p.mutualInformation!.set(I.view, start);
      } else {
        const SD = rt.arena.f32(count * K), A = rt.arena.f32(count * K), T = rt.arena.f32(count * K);
        if (this.model.noiseOutputs) rt.wasm.mixture_moments(P.ptr, S, count * K, M.ptr, SD.ptr, A.ptr, T.ptr);
        else {
          rt.wasm.sample_moments(P.ptr, S, count * K, M.ptr, SD.ptr, 0);
          rt.wasm.sample_moments(P.ptr, S, count * K, M.ptr, T.ptr, this.model.noiseVariance);
          // one sample has variance 0: its "std" is sqrt(noiseVariance), the constant aleatoric std
          rt.wasm.sample_moments(P.ptr, 1, count * K, rt.arena.alloc(count * K * 4), A.ptr, this.model.noiseVariance);
        }
        p.stdEpistemic!.set(SD.view, start * K);
        p.stdAleatoric!.set(A.view, start * K);
        p.stdTotal!.set(T.view, start * K);
      }
      p.mean.set(M.view, start * K);
    });
    // per-sample function values only (a heteroscedastic sample's noise variances follow its values)
    if (p.sampleOutputs) for (let s = 0; s < S; s++) p.sampleOutputs.set(out.subarray(s * count * W, s * count * W + count * K), (s * p.rows + start) * K);
  }
}

/** Floats per row and sample that predictSamples returns: outputSize, twice that with per-row noise variances. */
export const sampleWidth = (model: KindModel): number => model.outputSize * (model.noiseOutputs ? 2 : 1);

/** Predicts rows x (rows x model.inputSize f32) on this thread. */
export function predictRows(rt: Runtime, model: KindModel, task: Task, x: Float32Array, o: PredictOptions): RowPrediction {
  const n = check(model, x, o), per = model.inputSize, draw = o.draw ?? 0;
  const asm = new Assembler(rt, model, task, n, o);
  for (let start = 0, chunk = 0; start < n; start += o.batch, chunk++) {
    const count = Math.min(o.batch, n - start);
    const out = rt.arena.scoped(() => {
      const X = rt.arena.f32From(x.subarray(start * per, (start + count) * per));
      return model.predictSamples(X.ptr, count, { draw: draw * 65536 + chunk, first: 0, samples: o.samples, total: o.samples });
    });
    asm.add(start, count, out);
    o.onChunk?.(start + count, n);
  }
  return asm.p;
}

/**
 * The same prediction with each chunk's samples split into contiguous ranges: this thread takes
 * the first, `executors` the others (with a copy of this model's parameters). Same bits as predictRows.
 */
export async function predictRowsParallel(rt: Runtime, model: KindModel, task: Task, executors: readonly SampleExecutor[],
                                          x: Float32Array, o: PredictOptions): Promise<RowPrediction> {
  if (executors.length === 0 && !o.between) return predictRows(rt, model, task, x, o);
  const n = check(model, x, o), per = model.inputSize, draw = o.draw ?? 0, S = o.samples, K = sampleWidth(model);
  const asm = new Assembler(rt, model, task, n, o);
  // with no executors: one range holding every sample, the call predictRows makes (the same bits)
  const parts = Math.min(S, 1 + executors.length);
  const ranges = Array.from({ length: parts }, (_, i) => [Math.floor((i * S) / parts), Math.floor(((i + 1) * S) / parts)] as const);
  const params = parts > 1 ? model.space.allocated.params.view.slice() : new Float32Array(0);
  for (let start = 0, chunk = 0; start < n; start += o.batch, chunk++) {
    const count = Math.min(o.batch, n - start);
    const rows = x.subarray(start * per, (start + count) * per);
    const range = (i: number): SampleRange => ({ draw: draw * 65536 + chunk, first: ranges[i]![0], samples: ranges[i]![1] - ranges[i]![0], total: S });
    const remote = ranges.slice(1).map((_, i) => executors[i]!.predictSamples(rows.slice(), count, range(i + 1), params.slice()));
    const local = rt.arena.scoped(() => { const X = rt.arena.f32From(rows); return model.predictSamples(X.ptr, count, range(0)); });
    const got = [local, ...(await Promise.all(remote))];
    const out = new Float32Array(S * count * K);
    got.forEach((g, i) => out.set(g, ranges[i]![0] * count * K));
    asm.add(start, count, out);
    o.onChunk?.(start + count, n);
    if (o.between && start + count < n && await o.between()) throw new PredictionStopped(start + count, n);
  }
  return asm.p;
}
