import type { InitSpec } from "./layer.js";
import type { ParamInit } from "./params.js";
import type { Stack } from "./stack.js";

/** Seeded random fills for initialisation (the package's Philox generator implements it). */
export interface RandomFill {
  /** U(lo, hi) */
  uniform(out: Float32Array, lo: number, hi: number): void;
  /** N(0, std^2) */
  normal(out: Float32Array, std: number): void;
}

export function fillInit(spec: InitSpec, out: Float32Array, random: RandomFill): void {
  switch (spec.kind) {
    case "zeros": out.fill(0); break;
    case "constant": out.fill(spec.value); break;
    case "uniform": random.uniform(out, -spec.bound, spec.bound); break;
    case "normal": random.normal(out, spec.std); break;
  }
}

/** The initial values of a whole stack's parameter segment, slot by slot in layout order. */
export function stackInit(stack: Stack, random: RandomFill): ParamInit {
  return {
    kind: "values",
    fill(out: Float32Array) {
      for (const s of stack.slots()) fillInit(s.init, out.subarray(s.offset, s.offset + s.size), random);
    },
  };
}
