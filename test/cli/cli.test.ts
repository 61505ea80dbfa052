// The `sdebnn` executable end to end (dist/cli.js in a child process) on the seconds-sized `tiny`
// preset: train, eval, predict on PNG / IDX / JSON inputs, --json output, --help, and the exit
// codes of bad usage, bad configs and bad files.
import { describe, expect, it, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/wasm.js";
import { pngFromRaw } from "../helpers/png_files.js";

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** An independent minimal PNG writer (greyscale or RGB, filter 0 / Sub on alternate rows). */
function png(width: number, height: number, channels: 1 | 3, px: (x: number, y: number, c: number) => number): Uint8Array {
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    const filter = y % 2;
    rows.push(filter);
    for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) {
      const v = px(x, y, c), left = x > 0 ? px(x - 1, y, c) : 0;
      rows.push(filter === 1 ? (v - left) & 255 : v);
    }
  }
  return pngFromRaw(width, height, channels === 1 ? 0 : 2, Uint8Array.from(rows));
}

const dir = mkdtempSync(join(tmpdir(), "sdebnn-cli-"));
const run = join(dir, "run");
const bar = (x: number, y: number) => (y === 1 ? 200 : 20) + ((x * 7) % 5);

describe("sdebnn CLI", () => {
  beforeAll(() => {
    const r = cli("train", "--preset", "tiny", "--out", run, "--json");
    expect(r.code, r.err).toBe(0);
  });

  it("train --json reports the test metrics and step count", () => {
    const r = cli("train", "--preset", "tiny", "--set", "train.epochs=1", "--out", join(dir, "one"), "--json");
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.step).toBe(12);
    expect(res.test.count).toBe(64);
    expect(res.test.accuracy).toBeGreaterThanOrEqual(0);
  });

  it("eval prints metrics of the checkpoint", () => {
    const r = cli("eval", "--checkpoint", join(run, "checkpoint.safetensors"), "--samples", "2", "--json");
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.step).toBe(24);
    expect(res.samples).toBe(2);
    expect(res.count).toBe(64);
  });

  it("eval --workers 2 splits the samples over two threads: the same metrics bits; progress on stderr", () => {
    const ck = join(run, "checkpoint.safetensors");
    const one = cli("eval", "--checkpoint", ck, "--samples", "3", "--json");
    const two = cli("eval", "--checkpoint", ck, "--samples", "3", "--workers", "2", "--json");
    expect(one.code, one.err).toBe(0);
    expect(two.code, two.err).toBe(0);
    expect(JSON.parse(two.out)).toEqual(JSON.parse(one.out));
    const plain = cli("eval", "--checkpoint", ck, "--samples", "3", "--workers", "2");
    expect(plain.code, plain.err).toBe(0);
    expect(plain.err).toMatch(/eval .*100%\s+64\/64/);
    expect(cli("eval", "--checkpoint", ck, "--workers", "0").code).toBe(3);
  });

  it("predict reads PNG (grey and RGB), JSON and IDX inputs and gives probabilities and uncertainty", () => {
    writeFileSync(join(dir, "g.png"), png(8, 8, 1, bar));
    writeFileSync(join(dir, "c.png"), png(8, 8, 3, (x, y) => bar(x, y)));
    const grid = Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, x) => bar(x, y)));
    writeFileSync(join(dir, "x.json"), JSON.stringify([grid, grid]));
    const idx = new Uint8Array(16 + 64);
    new DataView(idx.buffer).setUint32(0, 0x803); new DataView(idx.buffer).setUint32(4, 1);
    new DataView(idx.buffer).setUint32(8, 8); new DataView(idx.buffer).setUint32(12, 8);
    idx.set(grid.flat(), 16);
    writeFileSync(join(dir, "x.idx"), idx);
    const r = cli("predict", "--checkpoint", join(run, "checkpoint.safetensors"), "--json", join(dir, "g.png"), join(dir, "c.png"), join(dir, "x.json"), join(dir, "x.idx"));
    expect(r.code, r.err).toBe(0);
    const preds = JSON.parse(r.out).predictions as { probabilities: number[]; entropy: number; mutualInformation: number }[];
    expect(preds.length).toBe(5);
    for (const p of preds) {
      expect(Math.abs(p.probabilities.reduce((a, v) => a + v, 0) - 1)).toBeLessThan(1e-5);
      expect(p.entropy).toBeGreaterThanOrEqual(0);
      expect(p.mutualInformation).toBeGreaterThanOrEqual(-1e-6);
      expect(p.mutualInformation).toBeLessThanOrEqual(p.entropy + 1e-6);
    }
    // the grey PNG, the RGB PNG with equal channels, JSON and IDX hold the same image
    for (const k of [1, 2, 3, 4]) expect(preds[k]!.probabilities).toEqual(preds[0]!.probabilities);
  });

  it("exit codes: usage 2, config 3, data/checkpoint 4; messages name the problem", () => {
    let r = cli("train", "--preset", "tiny");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out/);
    r = cli("train", "--preset", "tiny", "--set", "train.lr=-1", "--out", join(dir, "bad"));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/train\.lr/);
    r = cli("train", "--preset", "tiny", "--set", "model.hiden=3", "--out", join(dir, "bad"));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/hidden/);
    writeFileSync(join(dir, "junk.safetensors"), "not a checkpoint at all");
    r = cli("eval", "--checkpoint", join(dir, "junk.safetensors"));
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/junk\.safetensors/);
    writeFileSync(join(dir, "bad.png"), png(5, 5, 1, bar));
    r = cli("predict", "--checkpoint", join(run, "checkpoint.safetensors"), join(dir, "bad.png"));
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/expected a 8x8 image.*got 5x5/);
  });

  it("--help for the program and each command", () => {
    const r = cli("--help");
    expect(r.code).toBe(0);
    for (const c of ["train", "eval", "predict", "bench", "presets"]) expect(r.out).toContain(c);
    const t = cli("train", "--help");
    expect(t.out).toMatch(/--resume/);
    expect(cli("presets").out).toMatch(/mnist-odenet/);
  });
});
