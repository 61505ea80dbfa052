// The sdebnn/infer bundle: no training, optimiser, dataset, Node or CLI modules; JS + wasm within
// 100 KB gzipped (measured on the built files); the built entry predicts with the demo checkpoint.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { ROOT } from "../helpers/wasm.js";

const dist = join(ROOT, "dist");
export const INFER_BUDGET_GZIP_BYTES = 100 * 1024;

/** dist/ files a module pulls in through relative static imports, transitively. */
function closure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const src = readFileSync(join(dist, entry), "utf8");
  for (const m of src.matchAll(/(?:import|export)\s*(?:[^"';]*?from\s*)?["'](\.\/[^"']+)["']/g)) closure(m[1]!.slice(2), seen);
  return seen;
}

describe("sdebnn/infer", () => {
  it("package.json exports ./infer to dist/infer.js", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.exports["./infer"]).toEqual({ types: "./dist/types/infer.d.ts", default: "./dist/infer.js" });
    expect(readFileSync(join(ROOT, "dist/types/infer.d.ts"), "utf8")).toMatch(/loadModel/);
  });

  it("pulls in no trainer, optimiser, data file reader, preset, Node or CLI module", async () => {
    const r = await esbuild.build({ absWorkingDir: ROOT, entryPoints: ["src/infer.ts"], bundle: true, write: false, format: "esm",
      platform: "neutral", mainFields: ["module", "main"], metafile: true, logLevel: "silent" });
    const inputs = Object.keys(r.metafile.inputs).filter((p) => p.startsWith("src/"));
    expect(inputs).toContain("src/models/image.ts");
    // the kinds' schemas (src/train/config.ts), embedded data (synthetic images, toy1d points) and a
    // fitted table's row encoding (src/data/table_schema.ts: no CSV parsing) are allowed
    const allowed = /^src\/(train\/config|data\/(examples|dataset|synthetic|hash|table_schema)|plot\/svg)\.ts$/;
    expect(inputs.filter((p) => !allowed.test(p) && /^src\/(train|optim|data|presets|node|cli|plot)\/|node\.ts$|trainer|loop/.test(p))).toEqual([]);
    const built = [...closure("infer.js")].map((f) => readFileSync(join(dist, f), "utf8")).join("\n");
    for (const marker of ["class Trainer", "class Optimizer", "function epochOrder", "function trainValSplit", "function parseCsv", "from \"node:", "import(\"node:"]) {
      expect(built, marker).not.toContain(marker);
    }
  });

  it(`JS + wasm is at most ${INFER_BUDGET_GZIP_BYTES / 1024} KB gzipped`, () => {
    const files = [...closure("infer.js"), "sdebnn.wasm"];
    const gz = files.map((f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length);
    const total = gz.reduce((a, b) => a + b, 0);
    console.log(`sdebnn/infer: ${files.map((f, i) => `${f} ${gz[i]} B`).join(", ")}; total ${total} B gzipped`);
    expect(total).toBeGreaterThan(20_000); // the wasm alone is over 20 KB: the measurement is real
    expect(total).toBeLessThanOrEqual(INFER_BUDGET_GZIP_BYTES);
  });

  it("the built entry loads the demo checkpoint and predicts a real MNIST digit", async () => {
    const entry = "../../dist/infer.js";
    const infer = (await import(entry)) as typeof import("../../src/infer.js");
    const rt = await infer.init(new Uint8Array(readFileSync(join(dist, "sdebnn.wasm"))));
    const clf = await infer.loadModel(rt, new Uint8Array(readFileSync(join(ROOT, "demo/mnist-small.safetensors"))));
    const { readMnist } = await import("../../src/node/mnist.js");
    const testSet = readMnist("test");
    const p = clf.predict(testSet.pixels.subarray(0, 20 * 784), { samples: 8 });
    if (p.task !== "classification") throw new Error(`expected class probabilities, got ${p.task}`);
    let correct = 0;
    for (let i = 0; i < 20; i++) if (p.predicted[i] === testSet.labels[i]) correct++;
    expect(correct).toBeGreaterThanOrEqual(16);
  });
});
