// The edge handler serving a tabular model (examples/edge/*_houses.mjs, the committed
// demo/houses-small.safetensors with the heteroscedastic head) under the runtimes users deploy to:
// Deno, Bun, workerd and edge-runtime, each started on 127.0.0.1. JSON rows of raw values in;
// predictions with intervals out, with the bits of the built package in Node; rows the model
// cannot encode get a 400 carrying the DataError's text; malformed bodies a 4xx.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error plain ESM module shared with bench/edge.mjs, without types
import { RUNTIMES, ROOT, HOUSE_ROWS, startRuntime, postPredict, drive, tabularPredictionCases } from "./edge/runtimes.mjs";
import { isDeepStrictEqual } from "node:util";

type Running = { base: string; log(): string; stop(): Promise<void> };
type Row = Record<string, string | number>;
interface Infer {
  init(): Promise<unknown>;
  loadModel(rt: unknown, bytes: Uint8Array): Promise<{ predict(rows: Row[], o: { samples: number }): Record<string, Float32Array>; step: number }>;
}

const ROWS: Row[] = (HOUSE_ROWS as Row[]).slice(0, 3);
const BAD: [Row[], RegExp][] = [
  [[ROWS[0]!, { size: 60, rooms: 2, area: "west" }], /^inputs: row 1, column "area": unknown category "west": expected one of "east", "north", "south"$/],
  [[{ size: 60, area: "north" }], /^inputs: row 0: missing value of column "rooms"$/],
  [[{ size: "big", rooms: 2, area: "north" }], /^inputs: row 0, column "size": expected a number, got "big"$/],
  [[{ size: 60, rooms: 2, area: "north", floor: 3 }], /^inputs: row 0: unexpected column "floor"/],
  [[{ size: null as unknown as number, rooms: 2, area: "north" }], /^inputs: row 0: missing value of column "size"$/],
];

let expected: { predictions: Record<string, number>[]; samples: number; step: number };
let badTexts: string[];
let cases: { body: string; expected: unknown }[];

beforeAll(async () => {
  const infer = (await import(join(ROOT, "dist/infer.js"))) as Infer;
  const model = await infer.loadModel(await infer.init(), new Uint8Array(readFileSync(join(ROOT, "demo/houses-small.safetensors"))));
  const p = model.predict(ROWS, { samples: 4 });
  expected = {
    predictions: ROWS.map((_, i) => ({ mean: p.mean![i]!, std: p.std![i]!, epistemicStd: p.epistemicStd![i]!, aleatoricStd: p.aleatoricStd![i]!, lower95: p.lower![i]!, upper95: p.upper![i]! })),
    samples: 4, step: model.step,
  };
  cases = await tabularPredictionCases({ count: 12 });
  badTexts = BAD.map(([rows]) => { try { model.predict(rows, { samples: 1 }); return "no error"; } catch (e) { return (e as Error).message; } });
});

describe.each(RUNTIMES as string[])("tabular edge handler under %s", (name) => {
  let rt: Running;
  const post = (body: unknown) => postPredict(rt.base, JSON.stringify(body)) as Promise<Response>;
  const expectError = async (res: Response, status: number, code: string, message: RegExp | string) => {
    expect(res.status, rt.log()).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    if (typeof message === "string") expect(body.error.message).toBe(message);
    else expect(body.error.message).toMatch(message);
  };

  beforeAll(async () => { rt = await startRuntime(name, { app: "houses" }); });
  afterAll(async () => { await rt?.stop(); });

  it("predicts rows of raw values with intervals: the bits of the built package in Node", async () => {
    const res = await post({ rows: ROWS, samples: 4 });
    expect(res.status, rt.log()).toBe(200);
    const got = (await res.json()) as typeof expected;
    expect(got).toEqual(expected);
    for (const p of got.predictions) {
      expect(p.lower95).toBeLessThan(p.mean!);
      expect(p.std! ** 2).toBeCloseTo(p.epistemicStd! ** 2 + p.aleatoricStd! ** 2, 1);
    }
    // the noise grows with the size in the demo data: the larger house has the larger aleatoric std
    expect(got.predictions[1]!.aleatoricStd).toBeGreaterThan(got.predictions[0]!.aleatoricStd!);
  });

  it("a bounded load (600 requests of 1..3 rows, 16 at a time): every answer has Node's bits", async () => {
    const run = (await drive(rt.base, cases.map((c) => c.body), { requests: 600, concurrency: 16 })) as { status: number[]; text: string[] };
    const wrong = run.text.flatMap((t, i) => (run.status[i] === 200 && isDeepStrictEqual(JSON.parse(t), cases[i % cases.length]!.expected) ? [] : [`#${i}: ${run.status[i]} ${t.slice(0, 200)}`]));
    expect(wrong.length, wrong.slice(0, 3).join("\n")).toBe(0);
  });

  it("GET / lists the columns, their categories and the target", async () => {
    const res = await fetch(`${rt.base}/`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { model: unknown }).model).toEqual({
      kind: "tabular", task: "regression", step: expected.step, target: "price",
      columns: [{ name: "size", type: "numeric" }, { name: "rooms", type: "numeric" }, { name: "area", type: "categorical", categories: ["east", "north", "south"] }],
    });
  });

  it("rows the model cannot encode: 400 bad_row with the DataError's text; malformed bodies: 422", async () => {
    for (const [k, [rows, re]] of BAD.entries()) {
      expect(badTexts[k]).toMatch(re);
      await expectError(await post({ rows }), 400, "bad_row", badTexts[k]!);
    }
    await expectError(await post({ rows: [] }), 422, "bad_rows", /^rows: expected an array of 1\.\.256 objects, got 0 rows$/);
    await expectError(await post({ rows: [[50, 2, "north"]] }), 422, "bad_rows", /^rows\[0\]: expected an object of column values, got an array$/);
    await expectError(await post({ image: [] }), 422, "bad_request", /expected a JSON object \{"rows"/);
    await expectError(await post({ rows: ROWS, samples: 33 }), 422, "bad_samples", /^samples: expected an integer in \[1, 32\], got 33$/);
    await expectError(await postPredict(rt.base, "{\"rows\": [") as Response, 400, "bad_json", /^request body is not valid JSON/);
  });
});
