// Training with an adaptive SDE solver from the CLI (issue 18): the `tiny` preset with
// model.solver=adaptive (step doubling + PI controller on a virtual Brownian tree), with
// backprop through the accepted steps and with the reversible adjoint; bad adaptive settings are
// config errors with their exit code.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/wasm.js";

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), "sdebnn-adaptive-"));

describe("sdebnn train with model.solver=adaptive", () => {
  for (const gradient of ["backprop", "adjoint"]) {
    it(`tiny preset, gradient ${gradient}: trains (the training loss falls) and reports test metrics`, () => {
      const out = join(dir, gradient);
      const r = cli("train", "--preset", "tiny", "--set", "model.solver=adaptive", "--set", `model.gradient=${gradient}`,
        "--set", "train.epochs=3", "--out", out, "--json");
      expect(r.code, r.err).toBe(0);
      const res = JSON.parse(r.out);
      expect(res.step).toBe(36);
      expect(res.test.count).toBe(64);
      const epochs = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      expect(epochs.length).toBe(3);
      expect(epochs.every((e) => Number.isFinite(e.trainLoss))).toBe(true);
      expect(epochs[2].trainLoss).toBeLessThan(epochs[0].trainLoss);
      const cfg = JSON.parse(readFileSync(join(out, "config.json"), "utf8"));
      expect(cfg.model.solver).toBe("adaptive");
    });
  }

  it("toy1d preset (the tabular kind on its embedded points): trains with model.solver=adaptive", () => {
    const out = join(dir, "toy1d");
    const r = cli("train", "--preset", "toy1d", "--set", "model.solver=adaptive", "--set", "model.width=8", "--set", "model.nnHidden=8",
      "--set", "train.epochs=20", "--out", out, "--json");
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.step).toBe(20);
    expect(res.test.task).toBe("regression");
    expect(res.test.rmse).toBeGreaterThan(0);
    expect(Number.isFinite(res.test.nll)).toBe(true);
  });

  it("bad adaptive settings are config errors naming the field", () => {
    const r = cli("train", "--preset", "tiny", "--set", "model.solver=adaptive", "--set", "model.adaptive.rtol=-1", "--out", join(dir, "bad"));
    expect(r.code).toBe(3); // ConfigError (src/cli/main.ts)
    expect(r.err).toMatch(/model\.adaptive\.rtol/);
    const m = cli("train", "--preset", "tiny", "--set", "model.adaptive.method=rk4", "--out", join(dir, "bad2"));
    expect(m.code).toBe(3);
    expect(m.err).toMatch(/model\.adaptive\.method/);
  });
});
