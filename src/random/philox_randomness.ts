import type { Ptr } from "../runtime/abi.js";
import type { Runtime } from "../runtime/load.js";
import type { RandomFill } from "../nn/init.js";
import { GridBrownian } from "../sde/brownian/grid.js";
import { VirtualBrownianTree } from "../sde/brownian/tree.js";
import { checkWord, type BrownianOut, type BrownianPath, type BrownianSpan } from "../sde/brownian/path.js";
import { streamId, type Randomness } from "./randomness.js";

const TWO_POW_M24 = 1 / 16777216;

/**
 * Randomness over the wasm Philox4x32-10 generator with key (seed, stream): Brownian grids,
 * normals and initialisation fills. Uniforms use the top 24 bits of a Philox word
 * (u = (word >>> 8) * 2^-24, exact in f32 and f64); normals are the wasm Box-Muller of
 * rng_normal. Successive fills of one init stream take consecutive counters.
 */
export class PhiloxRandomness implements Randomness {
  readonly seed: number;
  constructor(private readonly rt: Runtime, seed: number) {
    this.seed = checkWord(seed, "seed");
  }

  brownian(stream: number, dim: number, span: BrownianSpan): GridBrownian | VirtualBrownianTree {
    const { t0, t1 } = span;
    if (span.depth !== undefined) return new VirtualBrownianTree(this.rt, { seed: this.seed, stream, dim, depth: span.depth, t0, t1 });
    return new GridBrownian(this.rt, { seed: this.seed, stream, dim, steps: span.steps, t0, t1 });
  }

  sampleBrownian(purpose: number, index: number, first: number, count: number, dim: number, span: BrownianSpan): BrownianPath {
    const paths = Array.from({ length: count }, (_, k) => this.brownian(streamId(purpose, index, first + k), dim, span));
    return count === 1 ? paths[0]! : new ConcatBrownian(paths, dim);
  }

  normals(stream: number, out: Ptr, n: number): void {
    this.rt.wasm.rng_normal(this.seed, checkWord(stream, "stream"), 0, 0, 0, 0, n, 1, out);
  }

  init(stream: number): RandomFill {
    const rt = this.rt, seed = this.seed;
    checkWord(stream, "stream");
    let block = 0; // next Philox counter block (4 words / 4 normals each)
    return {
      uniform(out: Float32Array, lo: number, hi: number): void {
        const nb = Math.ceil(out.length / 4);
        const words = rt.arena.scoped(() => {
          const p = rt.arena.alloc(nb * 16);
          rt.wasm.rng_philox(seed, stream, block, 1, 0, 0, nb, p);
          return new Uint32Array(rt.memory.buffer, p, nb * 4).slice();
        });
        block += nb;
        for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * ((words[i]! >>> 8) * TWO_POW_M24);
      },
      normal(out: Float32Array, std: number): void {
        const nb = Math.ceil(out.length / 4);
        const z = rt.arena.scoped(() => {
          const p = rt.arena.alloc(nb * 16);
          rt.wasm.rng_normal(seed, stream, 2, 0, 0, block * 4, out.length, std, p);
          return new Float32Array(rt.memory.buffer, p, out.length).slice();
        });
        block += nb;
        out.set(z);
      },
    };
  }
}

/** Several independent Brownian motions of `dim` components each, as one of count x dim. */
export class ConcatBrownian implements BrownianPath {
  readonly dim: number;
  readonly t0: number;
  readonly t1: number;
  readonly continuous: boolean;
  constructor(private readonly paths: BrownianPath[], private readonly each: number) {
    this.dim = paths.length * each;
    this.t0 = paths[0]!.t0;
    this.t1 = paths[0]!.t1;
    this.continuous = paths.every((p) => p.continuous === true);
  }
  increment(s: number, t: number, out: BrownianOut): void {
    const p0 = typeof out === "number" ? out : out.ptr;
    this.paths.forEach((p, k) => p.increment(s, t, p0 + k * this.each * 4));
  }
  levyArea(s: number, t: number, out: BrownianOut): void {
    const p0 = typeof out === "number" ? out : out.ptr;
    this.paths.forEach((p, k) => p.levyArea!(s, t, p0 + k * this.each * 4));
  }
}
