// The one mapping between a model's flat parameter block(s) and named checkpoint tensors:
// tensor `prefix + name` holds the parameter `name` of the block with that prefix ("" for the
// trained weights, "ema." for their moving average, "adam_m." / "adam_v." for Adam's moments).
import type { ParamSpace } from "../nn/params.js";
import { expectTensor, type Tensor } from "./safetensors.js";

/** Named, shaped tensors of every given block (null blocks are left out). */
export function paramBlockTensors(space: ParamSpace, blocks: readonly [string, Float32Array | null][]): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  for (const [prefix, view] of blocks) {
    if (!view) continue;
    for (const e of space.list) out.push([prefix + e.name, { dtype: "F32", shape: [...e.shape], data: view.slice(e.offset, e.offset + e.size) }]);
  }
  return out;
}

/** Fills each given block from the tensors with its prefix (CheckpointError naming a missing or misshapen tensor). */
export function loadParamBlocks(file: { tensors: Map<string, Tensor> }, space: ParamSpace, blocks: readonly [string, Float32Array | null][]): void {
  for (const [prefix, view] of blocks) {
    if (!view) continue;
    for (const e of space.list) view.set(expectTensor(file, prefix + e.name, "F32", e.shape).data as Float32Array, e.offset);
  }
}

/** "ema." when the file holds the EMA weights and they are wanted, else "" (the trained weights). */
export function evalWeightsPrefix(file: { tensors: Map<string, Tensor> }, space: ParamSpace, weights: "ema" | "trained"): string {
  const first = space.list[0];
  return weights === "ema" && first !== undefined && file.tensors.has(`ema.${first.name}`) ? "ema." : "";
}
