// Small apps that import `sdebnn` and `sdebnn/infer` from the installed npm tarball
// (test/helpers/packed.ts), built here with esbuild, Vite and webpack 5 and run in headless
// Chromium: predictions through both entries equal the bits computed in Node. Each bundler gets
// only the configuration docs/bundlers.md documents; both entries use init()'s default wasm source
// (`new URL("./sdebnn.wasm", import.meta.url)` inside the package).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Server } from "node:http";
import type { Browser } from "playwright-core";
import * as esbuild from "esbuild";
import * as vite from "vite";
import webpack from "webpack";
import { ROOT, freshRuntime } from "../helpers/wasm.js";
import { launchChromium, pageResult, serveRoot } from "../helpers/browser.js";
import { packedInstall, type PackedInstall } from "../helpers/packed.js";
import { loadModel as loadClassifier } from "../../src/api/model.js";
import { readMnist } from "../../src/node/mnist.js";

const IMAGES = 4, SAMPLES = 4;

const MAIN = `import * as sdebnn from "sdebnn";
import { init, loadModel } from "sdebnn/infer";

const get = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
const plain = (p) => ({ probs: Array.from(p.probs), entropy: Array.from(p.entropy), mutualInformation: Array.from(p.mutualInformation) });

async function main() {
  const [checkpoint, images] = await Promise.all([get("./model.safetensors"), get("./images.bin")]);
  const viaInfer = (await loadModel(await init(), checkpoint)).predict(images, { samples: ${SAMPLES} });
  const viaMain = (await sdebnn.loadModel(await sdebnn.init(), checkpoint)).predict(images, { samples: ${SAMPLES} });
  return { infer: plain(viaInfer), main: plain(viaMain) };
}
main().then((r) => { window.__result = r; }, (e) => { window.__result = { error: String((e && e.stack) || e) }; });
`;
const page = (script: string) => `<!doctype html><meta charset="utf-8"><title>sdebnn bundler app</title>${script}\n`;

/** Builds the app with one bundler into `out` (index.html, the bundle and the wasm however it places it). */
const BUILDS: Record<string, (src: string, out: string) => Promise<void>> = {
  // esbuild leaves `new URL("./sdebnn.wasm", import.meta.url)` alone: copy the wasm next to the bundle
  async esbuild(src, out) {
    await esbuild.build({ entryPoints: [join(src, "main.js")], bundle: true, format: "esm", platform: "browser",
      outfile: join(out, "main.js"), logLevel: "error" });
    copyFileSync(createRequire(join(src, "main.js")).resolve("sdebnn/sdebnn.wasm"), join(out, "sdebnn.wasm"));
    writeFileSync(join(out, "index.html"), page(`<script type="module" src="./main.js"></script>`));
  },
  // Vite emits the wasm as an asset (hashed name) and rewrites the URL; no configuration
  async vite(src, out) {
    writeFileSync(join(src, "index.html"), page(`<script type="module" src="./main.js"></script>`));
    await vite.build({ root: src, configFile: false, logLevel: "error", base: "./", build: { outDir: out, emptyOutDir: true } });
  },
  // webpack 5 turns `new URL(..., import.meta.url)` into an asset module (asset/resource); no configuration
  async webpack(src, out) {
    const stats = await new Promise<webpack.Stats>((resolve, reject) => webpack({
      mode: "production", context: src, entry: "./main.js", target: "web", output: { path: out, filename: "main.js", publicPath: "auto" },
    }, (err, s) => (err ? reject(err) : resolve(s!))));
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
    writeFileSync(join(out, "index.html"), page(`<script src="./main.js"></script>`));
  },
};

type Result = { error?: string; infer: Record<string, number[]>; main: Record<string, number[]> };
let p: PackedInstall;
let browser: Browser;
let server: Server;
let url: string;
let want: Record<string, number[]>;
let images: Uint8Array;
const root = () => join(p.app, "bundlers");

beforeAll(async () => {
  p = packedInstall();
  const test = readMnist("test");
  images = test.pixels.slice(0, IMAGES * 784);
  const clf = await loadClassifier(await freshRuntime(), new Uint8Array(readFileSync(join(ROOT, "demo/mnist-small.safetensors"))));
  const w = clf.predict(images, { samples: SAMPLES });
  if (w.task !== "classification") throw new Error(w.task);
  want = { probs: Array.from(w.probs), entropy: Array.from(w.entropy), mutualInformation: Array.from(w.mutualInformation) };
  rmSync(root(), { recursive: true, force: true });
  const served = await serveRoot(root());
  server = served.server;
  url = served.url;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describe.each(Object.keys(BUILDS))("an app bundled by %s, in Chromium", (name) => {
  it("predicts with sdebnn/infer and sdebnn: the same bits as Node", async () => {
    // the app's source sits in the install folder, so `sdebnn` resolves to the installed tarball
    const src = join(p.app, `app-${name}`), out = join(root(), name);
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "main.js"), MAIN);
    await BUILDS[name]!(src, out);
    copyFileSync(join(ROOT, "demo/mnist-small.safetensors"), join(out, "model.safetensors"));
    writeFileSync(join(out, "images.bin"), images);
    const wasmFiles = readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith(".wasm"));
    expect(wasmFiles.length, `${name} output: ${readdirSync(out, { recursive: true }).join(", ")}`).toBe(1);
    const got = await pageResult<Result>(browser, `${url}/${name}/index.html`, "__result", 60_000);
    expect(got.error).toBeUndefined();
    expect(got.infer).toEqual(want);
    expect(got.main).toEqual(want);
  });
});
