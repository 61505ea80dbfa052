// The npm tarball installed into a fresh folder outside the repository (test/helpers/packed.ts):
// the CLI, the Node API, sdebnn/infer in Node and the package in Deno, all from the installed
// files. The golden cases run on the installed package must give the SHA-256 values recorded in
// test/runtime/golden/expected.json, and nothing may resolve into the repository.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, freshRuntime } from "../helpers/wasm.js";
import { loadModel as loadClassifier } from "../../src/api/model.js";
import { denoPath } from "../helpers/deno.js";
import { packedInstall, type PackedInstall } from "../helpers/packed.js";
import { readMnist } from "../../src/node/mnist.js";
// @ts-expect-error plain ESM test module without types
import { mnistFixtureBytes, GOLDEN_MNIST } from "./golden/cases.mjs";

const expected = JSON.parse(readFileSync(join(ROOT, "test/runtime/golden/expected.json"), "utf8")) as { results: Record<string, string> };
let p: PackedInstall;

// One script for Node and Deno: the golden cases on `sdebnn/advanced` (they drive the trainer and
// kernels directly), the inference case on `sdebnn/infer`, the default init() source of `sdebnn`
// (the runtime's export condition), and where each specifier resolved.
const MAIN = `
import * as sdebnn from "sdebnn/advanced";
import * as entry from "sdebnn";
import * as infer from "sdebnn/infer";
import { goldenRun, goldenInference, mnistFixture, sha256Hex, GOLDEN_MNIST } from "./cases.mjs";

const read = async (url) => globalThis.Deno ? Deno.readFile(url) : new Uint8Array((await import("node:fs")).readFileSync(url));
const wasmUrl = new URL(import.meta.resolve("sdebnn/sdebnn.wasm"));
const wasm = await read(wasmUrl);
const fixture = mnistFixture(await read(new URL("./mnist128.bin", import.meta.url)));
const golden = await goldenRun(sdebnn, wasm, { mnist: fixture }, { keep: true });
const out = await goldenInference(infer, await infer.init(wasm), golden.outputs[GOLDEN_MNIST + " / checkpoint"], fixture.pixels);
const rt = await entry.init(); // the default source of this runtime's entry
const x = rt.arena.f32From([1, 2, 3]);
console.log(JSON.stringify({
  results: golden.results, infer: await sha256Hex(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)),
  defaultInit: rt.wasm.vec_dot(x.ptr, x.ptr, 3),
  resolved: [import.meta.resolve("sdebnn"), import.meta.resolve("sdebnn/infer"), wasmUrl.href],
}));
`;

type Run = { results: Record<string, string>; infer: string; defaultInit: number; resolved: string[] };

function runJson(cmd: string, args: string[]): Run {
  const r = spawnSync(cmd, args, { cwd: p.app, encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Run;
}

beforeAll(() => {
  p = packedInstall();
  // the test's own files, copied in: the golden cases, their MNIST fixture, a checkpoint and an image
  copyFileSync(join(ROOT, "test/runtime/golden/cases.mjs"), join(p.app, "cases.mjs"));
  writeFileSync(join(p.app, "mnist128.bin"), mnistFixtureBytes(readMnist("train")));
  writeFileSync(join(p.app, "main.mjs"), MAIN);
  copyFileSync(join(ROOT, "demo/mnist-small.safetensors"), join(p.app, "model.safetensors"));
});

const insidePackage = (resolved: string[]) => {
  for (const r of resolved) {
    expect(r).toMatch(/^file:\/\//);
    expect(decodeURIComponent(new URL(r).pathname).startsWith(p.pkg), r).toBe(true);
  }
};

describe("npm pack, installed into a fresh folder", () => {
  it("the tarball holds dist/, package.json and README.md, and no sources or tests", () => {
    const r = spawnSync("tar", ["-tzf", p.tarball], { encoding: "utf8" });
    const entries = r.stdout.trim().split("\n");
    expect(entries).toContain("package/dist/sdebnn.wasm");
    expect(entries).toContain("package/dist/infer.js");
    expect(entries).toContain("package/package.json");
    expect(entries.filter((e) => !/^package\/(dist\/|package\.json$|README\.md$|LICENSE)/.test(e))).toEqual([]);
  });

  it("the CLI from node_modules/.bin: --help, and predict on a checkpoint and a JSON image (Node's bits)", async () => {
    const bin = join(p.app, "node_modules", ".bin", "sdebnn");
    const help = spawnSync(bin, ["--help"], { cwd: p.app, encoding: "utf8" });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^usage: sdebnn <command>/);
    const test = readMnist("test");
    const image = Array.from({ length: 28 }, (_, r) => Array.from(test.pixels.subarray(r * 28, r * 28 + 28)));
    writeFileSync(join(p.app, "digit.json"), JSON.stringify(image));
    const r = spawnSync(bin, ["predict", "--checkpoint", "model.safetensors", "--samples", "4", "--json", "digit.json"], { cwd: p.app, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { predictions: { predicted: number; probabilities: number[]; entropy: number; mutualInformation: number }[] };
    const clf = await loadClassifier(await freshRuntime(), new Uint8Array(readFileSync(join(ROOT, "demo/mnist-small.safetensors"))));
    const want = clf.predict(test.pixels.subarray(0, 784), { samples: 4 });
    if (want.task !== "classification") throw new Error(want.task);
    expect(got.predictions).toHaveLength(1);
    expect(got.predictions[0]!.probabilities).toEqual(Array.from(want.probs));
    expect([got.predictions[0]!.entropy, got.predictions[0]!.mutualInformation]).toEqual([want.entropy[0], want.mutualInformation[0]]);
    expect(got.predictions[0]!.predicted).toBe(test.labels[0]);
  });

  it("Node: the golden cases on the installed package give the recorded SHA-256 values; sdebnn/infer gives the golden inference bits", () => {
    const node = runJson(process.execPath, ["main.mjs"]);
    expect(node.results).toEqual(expected.results);
    expect(node.infer).toBe(expected.results[`${GOLDEN_MNIST} / predictions`]);
    expect(node.defaultInit).toBe(14);
    insidePackage(node.resolved);
    expect(node.resolved[0]).toMatch(/\/dist\/node\.js$/);
  });

  it("Deno: the same bits from the installed files", () => {
    const deno = runJson(denoPath(), ["run", "--no-prompt", `--allow-read=${p.app}`, "main.mjs"]);
    expect(deno.results).toEqual(expected.results);
    expect(deno.infer).toBe(expected.results[`${GOLDEN_MNIST} / predictions`]);
    expect(deno.defaultInit).toBe(14);
    // Deno matches both the "deno" and the "node" export conditions and takes the first listed in
    // package.json, whichever entry that is; what matters here is that it is the installed one
    insidePackage(deno.resolved);
  });
});
