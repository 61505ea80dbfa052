// Nesting depth and duplicate keys (issue 21, item 5): parseJsonStrict on its own, then a config
// nested 10,000 levels through every door - a --config file, a --set value, the config inside a
// (correctly checksummed) checkpoint, a config object handed to the API - each refused with a typed
// error (ConfigError exit 3, CheckpointError exit 4), never a RangeError.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseJsonStrict, MAX_CONFIG_DEPTH } from "../../src/config/strict_json.js";
import { resolveRunConfig } from "../../src/presets/index.js";
import { encodeCheckpoint, decodeCheckpoint, encodeSafetensors } from "../../src/checkpoint/safetensors.js";
import { checkpointDigest } from "../../src/checkpoint/digest.js";
import { CheckpointError, ConfigError } from "../../src/runtime/errors.js";
import { ROOT } from "../helpers/wasm.js";

const strict = (text: string, maxDepth = 3) => parseJsonStrict(text, { where: "t.json", maxDepth, error: (m) => new ConfigError(m) });
const refusal = (f: () => unknown): string => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(ConfigError); return (e as Error).message; }
  throw new Error("expected a ConfigError");
};
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/cli.js"), ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, err: r.stderr };
};
const deep = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);

describe("parseJsonStrict", () => {
  it("parses like JSON.parse within the bounds", () => {
    for (const t of ['{"a":[1,{"b":"}]\\"{"}],"c":null}', "[]", '"x"', "3", '{"a":{"a":{}}}', '[{"k":1},{"k":2}]']) {
      expect(strict(t)).toEqual(JSON.parse(t));
    }
  });
  it("refuses depth above the bound, counting objects and arrays but not brackets inside strings", () => {
    expect(strict('[[["[[[[{{{"]]]')).toEqual([[["[[[[{{{"]]]);
    expect(refusal(() => strict("[[[[]]]]"))).toMatch(/^t\.json: nesting deeper than 3 levels at line 1, column 4 \(expected at most 3/);
    expect(refusal(() => strict('{\n "a": {\n  "b": [\n   {}]}}'))).toMatch(/nesting deeper than 3 levels at line 4, column 4/);
  });
  it("refuses duplicate keys in any object, decoding escapes; equal keys in different objects are fine", () => {
    expect(refusal(() => strict('{"a":1,"b":2,"a":3}'))).toMatch(/^t\.json: key "a" appears twice in one object at line 1, column 14/);
    expect(refusal(() => strict('{"x":{"k":1,"\\u006b":2}}'))).toMatch(/key "k" appears twice/);
    expect(refusal(() => strict('[{"k":1},{"k":2,"k":3}]'))).toMatch(/key "k" appears twice/);
    expect(strict('{"k":{"k":{"k":"k"}}}')).toEqual({ k: { k: { k: "k" } } });
    expect(strict('{"a":"a","b":["a","a"]}')).toEqual({ a: "a", b: ["a", "a"] });
    expect(refusal(() => strict("{bad"))).toMatch(/^t\.json: not valid JSON: /);
  });
});

describe("a config nested 10,000 levels", () => {
  const dir = mkdtempSync(join(tmpdir(), "sdebnn-deep-"));

  it("--config FILE: ConfigError, exit 3", () => {
    const f = join(dir, "deep.json");
    writeFileSync(f, `{"model":${deep(10_000)}}`);
    const r = cli("train", "--preset", "tiny", "--config", f, "--out", join(dir, "o1"));
    expect(r.code, r.err).toBe(3);
    expect(r.err).toMatch(new RegExp(`ConfigError \\[E_CONFIG\\]: .*deep\\.json: nesting deeper than ${MAX_CONFIG_DEPTH} levels at line 1, column \\d+`));
  });

  it("--set with a deep JSON value: ConfigError, exit 3", () => {
    const r = cli("train", "--preset", "tiny", "--set", `model.groups=${"[".repeat(10_000)}${"]".repeat(10_000)}`, "--out", join(dir, "o2"));
    expect(r.code, r.err).toBe(3);
    expect(r.err).toMatch(/ConfigError \[E_CONFIG\]: --set model\.groups.*nesting deeper than 64 levels/);
  });

  it("--config with a duplicate key: ConfigError naming the key, exit 3", () => {
    const f = join(dir, "dup.json");
    writeFileSync(f, '{"train": {"lr": 0.1, "epochs": 1, "lr": 0.001}}');
    const r = cli("train", "--preset", "tiny", "--config", f, "--out", join(dir, "o3"));
    expect(r.code, r.err).toBe(3);
    expect(r.err).toMatch(/dup\.json: key "lr" appears twice in one object at line 1, column 36/);
  });

  it("inside a checkpoint with a valid checksum: CheckpointError (API and `sdebnn eval`, exit 4)", async () => {
    // the writer refuses such a config with a typed error (JSON.stringify overflows on it) ...
    await expect(encodeCheckpoint([], { config: JSON.parse(`{"model":${deep(10_000)}}`) as unknown, seed: 0, step: 0 }))
      .rejects.toThrow(/checkpoint config must be JSON-serialisable: .*RangeError/);
    // ... so build the metadata text by hand, with the right checksum
    const text = `{"kind":"image","model":${deep(10_000)}}`;
    const ck = await encodeCheckpoint([], { config: "placeholder", seed: 0, step: 0 });
    const head = new TextDecoder().decode(ck.subarray(8, 8 + new DataView(ck.buffer).getUint32(0, true)));
    const meta = JSON.parse(head).__metadata__ as Record<string, string>;
    meta.config = text;
    meta.sha256 = await checkpointDigest(meta, [], new Uint8Array(0));
    const file = encodeSafetensors([], meta);
    await expect(decodeCheckpoint(file, "deep.safetensors")).rejects.toThrow(CheckpointError);
    await expect(decodeCheckpoint(file, "deep.safetensors")).rejects.toThrow(/deep\.safetensors: metadata field 'config': nesting deeper than 64 levels/);
    const p = join(dir, "deep.safetensors");
    writeFileSync(p, file);
    const r = cli("eval", "--checkpoint", p);
    expect(r.code, r.err).toBe(4);
    expect(r.err).toMatch(/CheckpointError \[E_CHECKPOINT\]: .*nesting deeper than 64 levels/);
  });

  it("as an object handed to the API: ConfigError", () => {
    let o: Record<string, unknown> = {};
    const root = { kind: "image", model: o };
    for (let i = 0; i < 10_000; i++) { const n = {}; o.a = n; o = n; }
    expect(refusal(() => resolveRunConfig(root))).toMatch(/config field 'model\.a\.a\.a\.\.\.': nested deeper than 64 levels/);
  });
});
