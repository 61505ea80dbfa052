// The user's own data from the packed tarball installed into a fresh folder (test/helpers/packed.ts):
// a generated CSV and a generated PNG folder tree through the installed CLI (train, eval, predict on
// files and on the folder)
// and the installed Node API (loadData, train, predict), asserting real outputs: class names,
// prediction CSV columns, accuracy above chance on separable data, the size-mismatch error and
// its exit code.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packedInstall, userEnv } from "../helpers/packed.js";
import { encodePng, writePngFolder } from "../helpers/png_files.js";

let app = "", bin = "";
const CLASSES = ["circle", "cross", "square"];

/** Two well separated classes of rows: label = sign of x1 + x2, a noise column z. */
function classesCsv(n: number): string {
  const lines = ["x1,x2,z,label"];
  for (let i = 0; i < n; i++) {
    const k = i % 2, j = ((i * 7919) % 97) / 97 - 0.5;
    lines.push(`${(k ? 1.5 : -1.5) + j},${(k ? 1 : -1) + j / 2},${((i * 31) % 17) / 17},${k ? "yes" : "no"}`);
  }
  return lines.join("\n") + "\n";
}

const sdebnn = (...args: string[]) => {
  const r = spawnSync(bin, args, { cwd: app, encoding: "utf8", env: userEnv(), maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const IMG_SETS = ["model.hidden=8", "model.nnHidden=8", "train.epochs=12", "train.lr=1e-2", "eval.samples=4"].flatMap((s) => ["--set", s]);

beforeAll(() => {
  const p = packedInstall();
  app = join(p.app, `user-data-${process.pid}`);
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ type: "module" }));
  bin = join(p.app, "node_modules", ".bin", "sdebnn");
  writePngFolder(join(app, "shapes", "train"), { classes: CLASSES, perClass: 30, width: 12, height: 12, seed: 1 });
  writePngFolder(join(app, "shapes", "test"), { classes: CLASSES, perClass: 8, width: 12, height: 12, seed: 2 });
  writeFileSync(join(app, "rows.csv"), classesCsv(120));
}, 300_000);

describe("the packed package on the user's own data", () => {
  it("CLI, PNG folder: train, eval (class names), predict (CSV columns; the folder itself), the size-mismatch error (exit 4)", () => {
    const t = sdebnn("train", "--preset", "mnist", "--set", "data.dataset=folder", "--set", "data.dir=shapes/train", "--set", "data.testDir=shapes/test", ...IMG_SETS, "--out", "runs/shapes", "--json");
    expect(t.code, t.err).toBe(0);
    const res = JSON.parse(t.out);
    expect(res.test.count).toBe(24);
    expect(res.test.accuracy).toBeGreaterThan(0.8); // chance: 1/3
    const e = sdebnn("eval", "--checkpoint", "runs/shapes/checkpoint.safetensors");
    expect(e.code, e.err).toBe(0);
    expect(e.out).toContain("classes: circle, cross, square");
    const p = sdebnn("predict", "--checkpoint", "runs/shapes/checkpoint.safetensors", "shapes/test/cross/003.png", "shapes/test/square/004.png", "--out", "shapes.csv");
    expect(p.code, p.err).toBe(0);
    expect(p.out).toMatch(/cross\/003\.png#0: class cross /);
    const lines = readFileSync(join(app, "shapes.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("input,row,predicted,p_circle,p_cross,p_square,entropy,mutual_information");
    expect(lines.slice(1).map((l) => l.split(",")[2])).toEqual(["cross", "square"]);
    // the test folder as a directory INPUT: its files in sorted order, the true class of each, the summary counting the matching rows;
    // the rows are those of the same files given one by one
    const dir = sdebnn("predict", "--checkpoint", "runs/shapes/checkpoint.safetensors", "shapes/test", "--json");
    expect(dir.code, dir.err).toBe(0);
    const d = JSON.parse(dir.out) as { predictions: Record<string, unknown>[]; summary: { images: number; correct: number; accuracy: number } };
    const files = CLASSES.flatMap((c) => Array.from({ length: 8 }, (_, i) => join("shapes", "test", c, `00${i}.png`)));
    expect(d.predictions.map((r) => [r.input, r.trueClass])).toEqual(files.map((f) => [f, f.split("/")[2]]));
    const correct = d.predictions.filter((r) => r.className === r.trueClass).length;
    expect([d.summary.images, d.summary.correct, d.summary.accuracy]).toEqual([24, correct, correct / 24]);
    expect(d.summary.accuracy).toBe(res.test.accuracy); // eval's score of the same folder, the same draw
    const single = sdebnn("predict", "--checkpoint", "runs/shapes/checkpoint.safetensors", files[9]!, files[20]!, "--json");
    expect(JSON.parse(single.out).predictions).toEqual([d.predictions[9], d.predictions[20]].map(({ trueClass: _t, ...r }) => r));
    mkdirSync(join(app, "shapes", "odd", "zebra"), { recursive: true });
    writeFileSync(join(app, "shapes", "odd", "zebra", "0.png"), readFileSync(join(app, files[0]!)));
    const odd = sdebnn("predict", "--checkpoint", "runs/shapes/checkpoint.safetensors", "shapes/odd");
    expect(odd.code).toBe(4);
    expect(odd.err).toContain(`shapes/odd/zebra: folder "zebra" is not one of the model's classes ("circle", "cross", "square")`);
    writeFileSync(join(app, "big.png"), encodePng(14, 12, 1, new Array(168).fill(3)));
    const bad = sdebnn("predict", "--checkpoint", "runs/shapes/checkpoint.safetensors", "big.png");
    expect(bad.code).toBe(4);
    expect(bad.err).toBe("sdebnn: DataError [E_DATA]: big.png: expected a 12x12 image for this 1-channel model, got 14x12\n");
  }, 240_000);

  it("CLI, CSV: train --data --target, eval --data (class names), predict --out (class columns)", () => {
    const t = sdebnn("train", "--data", "rows.csv", "--target", "label", "--features", "x1,x2", "--set", "model.width=8", "--set", "train.epochs=30", "--out", "runs/rows", "--json");
    expect(t.code, t.err).toBe(0);
    expect(JSON.parse(t.out).test.accuracy).toBeGreaterThan(0.8); // chance: 1/2
    const e = sdebnn("eval", "--checkpoint", "runs/rows/checkpoint.safetensors", "--data", "rows.csv", "--json");
    expect(e.code, e.err).toBe(0);
    const m = JSON.parse(e.out);
    expect([m.count, m.classNames]).toEqual([120, ["no", "yes"]]);
    writeFileSync(join(app, "predict_rows.csv"), "x1,x2\n2,1.2\n-2,-0.8\n");
    const p = sdebnn("predict", "--checkpoint", "runs/rows/checkpoint.safetensors", "predict_rows.csv", "--out", "rows_preds.csv");
    expect(p.code, p.err).toBe(0);
    const lines = readFileSync(join(app, "rows_preds.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("input,row,predicted,p_no,p_yes,entropy,mutual_information");
    expect(lines.slice(1).map((l) => l.split(",")[2])).toEqual(["yes", "no"]);
  }, 240_000);

  it("Node API from the installed package: loadData + train on the PNG folder and on the CSV, predictions with class names", () => {
    writeFileSync(join(app, "api.mjs"), `
import { readFileSync } from "node:fs";
import { init, loadData, train, decodePng } from "sdebnn";
const rt = await init();
const notes = [];
const cfg = { kind: "image", data: { dataset: "folder", dir: "shapes/train", testDir: "shapes/test" } };
const overrides = { "model.hidden": 8, "model.nnHidden": 8, "train.epochs": 12, "train.lr": 1e-2, "eval.samples": 4 };
const data = loadData(rt, cfg, { overrides, onNote: (n) => notes.push(n) });
const model = await train(rt, cfg, { data, overrides });
const scores = await model.evaluate(data.test);
const img = await decodePng(new Uint8Array(readFileSync("shapes/test/circle/000.png")), "circle.png", { channels: 1 });
const p = model.predict(img.pixels);
const table = await train(rt, { kind: "tabular", data: { file: "rows.csv", target: "label", features: ["x1", "x2"] } }, { overrides: { "model.width": 8, "train.epochs": 30 } });
const q = table.predict([{ x1: 2, x2: 1.2 }, { x1: -2, x2: -0.8 }]);
console.log(JSON.stringify({ notes, count: data.test.count, accuracy: scores.accuracy, classNames: p.classNames, predicted: p.classNames[p.predicted[0]],
  tableClasses: q.classNames, tablePredicted: Array.from(q.predicted, (k) => q.classNames[k]) }));
`);
    const r = spawnSync(process.execPath, ["api.mjs"], { cwd: app, encoding: "utf8", env: userEnv() });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(got.notes).toContain("model.classes 10 -> 3 (from the PNGs in shapes/train)");
    expect(got.count).toBe(24);
    expect(got.accuracy).toBeGreaterThan(0.8);
    expect(got.classNames).toEqual(CLASSES);
    expect(got.predicted).toBe("circle");
    expect(got.tableClasses).toEqual(["no", "yes"]);
    expect(got.tablePredicted).toEqual(["yes", "no"]);
  }, 240_000);
});
