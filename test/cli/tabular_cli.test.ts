// The tabular kind through dist/cli.js with generated CSV files: train --data/--target (task
// inferred, a seeded test share), predict on raw rows (text and --out CSV agree with --json),
// eval --data, and every refusal a typed DataError naming the file, line and column (exit 4).
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/wasm.js";
import { HETERO_STD, heteroCsv, regressionCsv } from "../helpers/tables.js";

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const SETS = ["model.width=16", "model.nnHidden=8", "model.steps=4", "train.epochs=100", "train.lr=1e-2", "eval.samples=8"].flatMap((s) => ["--set", s]);

describe("tabular through the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "sdebnn-tabcli-"));
  const put = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

  it("train, predict (text, --json, --out CSV) and eval --data on a regression CSV", () => {
    const data = put("houses.csv", regressionCsv(150));
    const out = join(dir, "run");
    const t = cli("train", "--data", data, "--target", "y", ...SETS, "--out", out, "--json");
    expect(t.code, t.err).toBe(0);
    const res = JSON.parse(t.out);
    expect(res.test.task).toBe("regression");
    expect(res.test.count).toBe(15);
    expect(res.test.rmse).toBeLessThan(0.6);
    const cfg = JSON.parse(readFileSync(join(out, "config.json"), "utf8"));
    expect(cfg.kind).toBe("tabular");
    expect(cfg.data.schema.features.map((f: { name: string }) => f.name)).toEqual(["a", "b", "c"]);
    // rows to predict: the columns in another order, the target absent
    const rows = put("rows.csv", "c,b,a\nu,-1,0.5\nw,0,-0.25\n");
    const ck = join(out, "checkpoint.safetensors"), csv = join(dir, "preds.csv");
    const pj = cli("predict", "--checkpoint", ck, rows, "--json", "--out", csv);
    expect(pj.code, pj.err).toBe(0);
    const preds = JSON.parse(pj.out).predictions;
    expect(preds).toHaveLength(2);
    expect(Math.abs(preds[0].mean - 3.5)).toBeLessThan(0.7);
    expect(Math.abs(preds[1].mean + 0.5)).toBeLessThan(0.7);
    for (const p of preds) {
      expect(p.std ** 2).toBeCloseTo(p.epistemicStd ** 2 + p.aleatoricStd ** 2, 4);
      expect(p.lower95).toBeCloseTo(p.mean - 1.96 * p.std, 4);
    }
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines[0]).toBe("input,row,mean,std,epistemic_std,aleatoric_std,lower95,upper95");
    expect(Number(lines[1]!.split(",")[2])).toBe(Math.fround(preds[0].mean));
    const text = cli("predict", "--checkpoint", ck, rows);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/#0: mean 3\.\d{4}|#0: mean [0-9.]+, std/);
    // eval on another file with the target column
    const e = cli("eval", "--checkpoint", ck, "--data", put("more.csv", regressionCsv(30, 7)), "--target", "y", "--json");
    expect(e.code, e.err).toBe(0);
    const m = JSON.parse(e.out);
    expect(m.count).toBe(30);
    expect(m.rmse).toBeLessThan(0.7);
    // predict-time refusals
    const refuse = (text: string, re: RegExp) => {
      const r = cli("predict", "--checkpoint", ck, put("bad.csv", text));
      expect(r.code, r.err).toBe(4);
      expect(r.err).toMatch(re);
    };
    refuse("a,b,c\n1,2,z\n", /bad\.csv: line 2, column 3 \("c"\): unknown category "z"/);
    refuse("a,b\n1,2\n", /bad\.csv: line 1: no feature column "c"/);
    refuse("a,b,c,d\n1,2,u,4\n", /unexpected column "d"/);
    refuse("a,b,c\n1,x,u\n", /line 2, column 2 \("b"\): expected a number, got "x"/);
    refuse("a,b,c\n1,,u\n", /line 2, column 2 \("b"\): missing value/);
  }, 120_000);

  it("heteroscedastic head: predict --out CSV and --json give per-row aleatoric stds that follow the group", () => {
    const out = join(dir, "hetero");
    const t = cli("train", "--data", put("het.csv", heteroCsv(300)), "--target", "y", ...SETS, "--set", "model.likelihood=heteroscedastic", "--set", "train.epochs=50", "--out", out, "--json");
    expect(t.code, t.err).toBe(0);
    const csv = join(dir, "het_preds.csv");
    const p = cli("predict", "--checkpoint", join(out, "checkpoint.safetensors"), put("het_rows.csv", "a,c\n0,lo\n0,hi\n"), "--json", "--out", csv);
    expect(p.code, p.err).toBe(0);
    const [lo, hi] = JSON.parse(p.out).predictions;
    expect(lo.aleatoricStd).toBeLessThan(HETERO_STD.lo * 1.7);
    expect(hi.aleatoricStd).toBeGreaterThan(HETERO_STD.hi / 1.7);
    const lines = readFileSync(csv, "utf8").trim().split("\n").map((l) => l.split(","));
    expect(lines[0]).toEqual(["input", "row", "mean", "std", "epistemic_std", "aleatoric_std", "lower95", "upper95"]);
    expect(lines.slice(1).map((r) => Number(r[5]))).toEqual([lo, hi].map((r) => r.aleatoricStd));
    expect(lines.slice(1).map((r) => Number(r[7]))).toEqual([lo, hi].map((r) => r.upper95));
  }, 120_000);

  it("classification with class names: probabilities per class in --out CSV", () => {
    const lines = ["x1,x2,label"];
    for (let i = 0; i < 120; i++) {
      const k = i % 2, j = ((i * 7919) % 101) / 101 - 0.5;
      lines.push(`${(k ? 2 : -2) + j},${j * 0.5},${k ? "yes" : "no"}`);
    }
    const out = join(dir, "cls");
    const t = cli("train", "--data", put("cls.csv", lines.join("\n")), "--target", "label", ...SETS, "--set", "train.epochs=40", "--out", out, "--json");
    expect(t.code, t.err).toBe(0);
    const res = JSON.parse(t.out);
    expect(res.test.task).toBe("classification");
    expect(res.test.accuracy).toBeGreaterThan(0.9);
    const csv = join(dir, "cls_preds.csv");
    const p = cli("predict", "--checkpoint", join(out, "checkpoint.safetensors"), put("cls_rows.csv", "x1,x2\n-2,0\n2,0\n"), "--out", csv);
    expect(p.code, p.err).toBe(0);
    expect(p.out).toMatch(/#0: class no/);
    expect(p.out).toMatch(/#1: class yes/);
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows[0]).toBe("input,row,predicted,p_no,p_yes,entropy,mutual_information");
    expect(rows[1]!.split(",")[2]).toBe("no");
  }, 120_000);

  it("bad training files are DataErrors naming the file, line and column (exit 4, nothing trained)", () => {
    const train = (text: string, ...extra: string[]) => cli("train", "--data", put("t.csv", text), "--target", "y", ...extra, "--out", join(dir, "never"));
    const cases: [string, RegExp, string[]?][] = [
      ["", /t\.csv: the file is empty/],
      ["a,y\n1,2\n3\n", /t\.csv: line 3: expected 2 fields \(as in the header on line 1\), got 1/],
      ["a,y\n1,2\n2,3\n3,4\n4,5\nx,4\n", /t\.csv: line 6, column 1 \("a"\): expected a number in this numeric column, got "x"/],
      ["a,y\n1,2\n,3\n4,5\n5,6\n6,7\n", /t\.csv: line 3, column 1 \("a"\): missing value/],
      ["a,b,y\n1,7,2\n2,7,3\n3,7,4\n4,7,5\n5,7,1\n6,7,3\n7,7,3\n8,7,3\n9,7,3\n10,7,3\n11,7,2\n", /column 2 \("b"\) is constant \(7\)/],
      ["a,z\n1,2\n2,3\n3,4\n4,5\n5,6\n", /t\.csv: line 1: no target column "y": expected one of "a", "z"/],
      ["a,y\n1,2\n2,3\n3,4\n4,5\n5,6\n", /no feature column "q"/, ["--features", "q"]],
    ];
    for (const [text, re, extra] of cases) {
      const r = train(text, ...(extra ?? []));
      expect(r.code, `${text}: ${r.err}`).toBe(4);
      expect(r.err).toMatch(/DataError \[E_DATA\]/);
      expect(r.err).toMatch(re);
    }
    const small = train("a,y\n1,2\n2,3\n");
    expect(small.code).toBe(4);
    expect(small.err).toMatch(/2 rows cannot be split into training rows and a 0\.1 test share: pass data\.test \(--test FILE\)/);
    const u = cli("train", "--data", put("u.csv", "a,y\n1,2\n"), "--out", join(dir, "never"));
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/--data needs --target COLUMN/);
  }, 60_000);
});
