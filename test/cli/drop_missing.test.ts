// Missing cells in a training CSV: by default a DataError naming the file, line and column (exit
// 4); with --drop-missing (data.dropMissing) those rows are dropped and the count reported, for
// train and for eval --data; a row missing only an unused column is kept.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/wasm.js";
import { regressionCsv } from "../helpers/tables.js";
import { dropMissingRows } from "../../src/data/table_missing.js";
import { readTable } from "../../src/data/tabular.js";

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const SETS = ["model.width=8", "model.nnHidden=8", "model.steps=2", "train.epochs=3", "eval.samples=4"].flatMap((s) => ["--set", s]);

/** regressionCsv(n) with cells blanked: [data row index (0-based), column index]. */
function withHoles(n: number, holes: [number, number][], extra = false): string {
  const lines = regressionCsv(n).trim().split("\n");
  if (extra) lines.forEach((l, i) => { lines[i] = `${l},${i === 0 ? "note" : i % 5 === 0 ? "" : "x"}`; });
  for (const [r, c] of holes) { const f = lines[r + 1]!.split(","); f[c] = c === 1 ? "NA" : ""; lines[r + 1] = f.join(","); }
  return lines.join("\n") + "\n";
}

describe("missing values in tabular data", () => {
  const dir = mkdtempSync(join(tmpdir(), "sdebnn-missing-"));
  const put = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

  it("default: a DataError naming file, line and column (exit 4)", () => {
    const f = put("holes.csv", withHoles(40, [[6, 1]]));
    const t = cli("train", "--data", f, "--target", "y", ...SETS, "--out", join(dir, "r0"));
    expect(t.code).toBe(4);
    expect(t.err).toContain(`DataError [E_DATA]: ${f}: line 8, column 2 ("b"): missing value "NA"`);
  });

  it("--drop-missing: the rows are dropped and counted (train, eval --data); a gap in an unused column keeps its row", () => {
    const f = put("holes2.csv", withHoles(40, [[6, 1], [9, 3], [20, 0]], true));
    const out = join(dir, "r1");
    const t = cli("train", "--data", f, "--target", "y", "--features", "a,b,c", "--drop-missing", ...SETS, "--out", out, "--json");
    expect(t.code, t.err).toBe(0);
    expect(t.err).toContain(`note: ${f}: dropped 3 of 40 rows with a missing value (data.dropMissing; lines 8, 11, 22)`);
    const res = JSON.parse(t.out);
    expect(res.test.count).toBe(4); // round(37 * 0.1)
    expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8")).data.dropMissing).toBe(true);
    const e = cli("eval", "--checkpoint", join(out, "checkpoint.safetensors"), "--data", put("more.csv", withHoles(20, [[2, 2]])), "--json");
    expect(e.code, e.err).toBe(0);
    expect(JSON.parse(e.out).count).toBe(19);
    expect(e.err).toMatch(/dropped 1 of 20 rows with a missing value \(data.dropMissing; line 4\)/);
  }, 120_000);

  it("dropMissingRows: only the named columns count; every row missing is a DataError", () => {
    const t = readTable("a,b,c\n1,,3\n4,5,\n,7,8\n9,10,11\n", "t.csv");
    const d = dropMissingRows(t, ["a", "b"]);
    expect(d.lines).toEqual([2, 4]);
    expect(d.table.rows.map((r) => r.map((f) => f.text))).toEqual([["4", "5", ""], ["9", "10", "11"]]);
    expect(() => dropMissingRows(readTable("a,b\n,1\nNA,2\n", "u.csv"), ["a"])).toThrow(/u\.csv: every one of the 2 data rows misses a value/);
  });
});
