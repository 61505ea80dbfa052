import type { Runtime } from "../runtime/load.js";
import { ArgumentError } from "../runtime/errors.js";
import type { BrownianPath } from "./brownian/path.js";
import type { StepNoise } from "./solvers/solver.js";

/** Per-step noise buffers filled from a Brownian path (dW, and H for solvers that need it). */
export class NoiseReader {
  readonly noise: StepNoise;
  constructor(rt: Runtime, private readonly bm: BrownianPath, levy: boolean) {
    const dW = rt.arena.alloc(Math.max(1, bm.dim) * 4, true);
    if (levy && !bm.levyArea) throw new ArgumentError("this solver needs a Brownian path with Levy area (use the Brownian tree)");
    this.noise = levy ? { dW, H: rt.arena.alloc(Math.max(1, bm.dim) * 4, true) } : { dW };
  }
  read(s: number, t: number): StepNoise {
    this.bm.increment(s, t, this.noise.dW);
    if (this.noise.H) this.bm.levyArea!(s, t, this.noise.H);
    return this.noise;
  }
}
