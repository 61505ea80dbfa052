// An IDX image/label pair (gzipped, as Fashion-MNIST ships) through dist/cli.js: train with named
// classes, eval on a test pair given at eval time (--set), predict on an IDX image file (class
// names printed), and an image size the model does not take (exit 4, file, expected and actual).
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "../helpers/wasm.js";
import { encodeIdx } from "../helpers/idx_files.js";
import { lcg } from "../helpers/png_files.js";

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** n 8x8 images; label k = i % 4 has a bright pair of columns 2k, 2k + 1. */
function bands(n: number, seed: number): { images: Uint8Array; labels: Uint8Array } {
  const rnd = lcg(seed), px: number[] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 4;
    labels.push(k);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) px.push(x >> 1 === k ? 190 + Math.floor(60 * rnd()) : Math.floor(40 * rnd()));
  }
  return { images: encodeIdx([n, 8, 8], px), labels: encodeIdx([n], labels) };
}

describe("IDX pairs through the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "sdebnn-idxcli-"));
  const put = (name: string, b: Uint8Array) => { writeFileSync(join(dir, name), b); return join(dir, name); };
  const tr = bands(160, 1), te = bands(40, 2);
  const trI = put("train-images-idx3-ubyte.gz", gzipSync(tr.images)), trL = put("train-labels-idx1-ubyte.gz", gzipSync(tr.labels));
  const teI = put("t10k-images-idx3-ubyte", te.images), teL = put("t10k-labels-idx1-ubyte", te.labels);

  it("train (seeded test share), eval on a test pair, predict an IDX file with class names", () => {
    const out = join(dir, "run"), ck = join(out, "checkpoint.safetensors");
    const t = cli("train", "--preset", "tiny", "--set", "data.dataset=idx", "--set", `data.trainImages=${trI}`, "--set", `data.trainLabels=${trL}`,
      "--set", "data.classNames=top,shirt,bag,boot", "--set", "train.epochs=6", "--out", out, "--json");
    expect(t.code, t.err).toBe(0);
    const res = JSON.parse(t.out);
    expect(res.test.count).toBe(16); // round(160 * 0.1)
    const e = cli("eval", "--checkpoint", ck, "--set", `data.testImages=${teI}`, "--set", `data.testLabels=${teL}`, "--json");
    expect(e.code, e.err).toBe(0);
    const m = JSON.parse(e.out);
    expect(m.count).toBe(40);
    expect(m.accuracy).toBeGreaterThan(0.5); // chance is 1/4
    expect(m.classNames).toEqual(["top", "shirt", "bag", "boot"]);
    const p = cli("predict", "--checkpoint", ck, teI, "--json");
    expect(p.code, p.err).toBe(0);
    const preds = JSON.parse(p.out).predictions as { className: string; predicted: number }[];
    expect(preds).toHaveLength(40);
    for (const q of preds) expect(q.className).toBe(["top", "shirt", "bag", "boot"][q.predicted]);
    const wrong = put("wide.idx", encodeIdx([1, 8, 9], new Array(72).fill(0)));
    const w = cli("predict", "--checkpoint", ck, wrong);
    expect(w.code).toBe(4);
    expect(w.err).toContain(`${wrong}: expected 8x8 images for this 1-channel model, got 8x9`);
  }, 120_000);
});
