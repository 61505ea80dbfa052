// Replay of user-supplied increments: validation, exact replay, sums in step order.
import { beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../src/runtime/load.js";
import { ReplayBrownian, GridBrownian, type BrownianPath } from "../../../src/sde/brownian/index.js";
import { ArgumentError } from "../../../src/runtime/errors.js";
import { freshRuntime } from "../../helpers/wasm.js";

let rt: Runtime;
beforeAll(async () => { rt = await freshRuntime(); });

function inc(path: BrownianPath, s: number, t: number): Float32Array {
  return rt.arena.scoped(() => {
    const out = rt.arena.f32(path.dim);
    path.increment(s, t, out);
    return out.toArray();
  });
}

describe("ReplayBrownian", () => {
  const rows = [[0.5, -1, 2], [0.25, 0.125, -3], [1e-3, 7, 0.1], [-2, 0, 1]];

  it("replays each row as the increment of its step (f32-rounded) and sums rows in step order", () => {
    const p = new ReplayBrownian(rt, rows, { t0: 1, t1: 3 });
    expect([p.dim, p.steps, p.dt]).toEqual([3, 4, 0.5]);
    for (let k = 0; k < 4; k++) expect(inc(p, 1 + k / 2, 1.5 + k / 2)).toEqual(Float32Array.from(rows[k]!));
    const sum = inc(p, 1.5, 3);
    for (let i = 0; i < 3; i++) {
      const f = Math.fround;
      expect(sum[i]).toBe(f(f(f(rows[1]![i]!) + f(rows[2]![i]!)) + f(rows[3]![i]!)));
    }
    expect(Array.from(inc(p, 2, 2))).toEqual([0, 0, 0]);
    expect(p.readIncrements()).toEqual(Float32Array.from(rows.flat()));
    expect(p.levyArea).toBeUndefined();
  });

  it("accepts a flat array with its shape, and Levy areas of the same shape", () => {
    const p = new ReplayBrownian(rt, { data: rows.flat(), shape: [4, 3] }, { levyAreas: rows.map((r) => r.map((x) => x / 10)) });
    expect(inc(p, 0.25, 0.5)).toEqual(Float32Array.from(rows[1]!));
    const h = rt.arena.scoped(() => { const o = rt.arena.f32(3); p.levyArea!(0.5, 0.75, o); return o.toArray(); });
    expect(h).toEqual(Float32Array.from(rows[2]!.map((x) => x / 10)));
  });

  it("replaying a grid path's own increments reproduces its queries", () => {
    const g = new GridBrownian(rt, { seed: 12, dim: 5, steps: 8 });
    const flat = g.readIncrements();
    const p = new ReplayBrownian(rt, { data: flat, shape: [8, 5] });
    for (const [s, t] of [[0, 0.125], [0.25, 1], [0.5, 0.875]] as const) expect(inc(p, s, t)).toEqual(inc(g, s, t));
  });

  it("names shape and NaN problems in ArgumentErrors", () => {
    const bad = (x: unknown, o = {}) => () => new ReplayBrownian(rt, x as never, o);
    expect(bad([])).toThrow(/increments must be a non-empty array of rows with shape \[steps\]\[D\]/);
    expect(bad([[]])).toThrow(/increments\[0\] must be a non-empty array/);
    expect(bad([[1, 2], [3]])).toThrow(/increments\[1\] has length 1, expected 2 \(shape \[steps\]\[D\] = \[2\]\[2\]\)/);
    expect(bad([[1, 2], [3, NaN]])).toThrow(/increments\[1\]\[1\] is NaN; increments must be finite numbers/);
    expect(bad([[1, Infinity]])).toThrow(/increments\[0\]\[1\] is Infinity/);
    expect(bad({ data: [1, 2, 3], shape: [2, 2] })).toThrow(/increments.data has 3 values, expected steps \* D = 2 \* 2 = 4/);
    expect(bad({ data: [1, 2], shape: [2] })).toThrow(/increments.shape must be \[steps, D\]/);
    expect(bad({ data: [1, NaN, 3, 4], shape: [2, 2] })).toThrow(/increments\[0\]\[1\] is NaN/);
    expect(bad([[1, 2]], { levyAreas: [[1, 2], [3, 4]] })).toThrow(/levyAreas has shape \[2\]\[2\], expected the increments' shape \[1\]\[2\]/);
    expect(bad([[1, 2]], { t0: 2, t1: 1 })).toThrow(ArgumentError);
    const p = new ReplayBrownian(rt, rows);
    expect(() => inc(p, 0.1, 0.5)).toThrow(/time 0.1 is not a point of the replayed grid/);
    expect(() => inc(p, 0, 2)).toThrow(/t0 <= s <= t <= t1/);
  });
});
