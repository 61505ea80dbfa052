// Build: assembly/ -> dist/sdebnn.wasm (release, -O3, SIMD) and build/sdebnn.debug.wasm;
// src/ -> dist/*.js (ESM, code-split so the Node entry and the CLI share the core) + dist/types.
//   node scripts/build.mjs              everything
//   node scripts/build.mjs --only-wasm       only the wasm targets
//   node scripts/build.mjs --if-needed  skip when dist/ is newer than every source
import { main as asc } from "assemblyscript/asc";
import * as esbuild from "esbuild";
import { execFileSync } from "node:child_process";
import { readdirSync, statSync, existsSync, readFileSync, writeFileSync, chmodSync, rmSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));
const OUTPUTS = ["dist/sdebnn.wasm", "dist/index.js", "dist/node.js", "dist/cli.js", "dist/infer.js", "dist/types/index.d.ts"];
const JS_ENTRIES = { index: "src/index.ts", node: "src/node.ts", advanced: "src/advanced.ts", cli: "src/cli/bin.ts", infer: "src/infer.ts", shard_worker: "src/node/shard_worker.ts",
  web_shard_worker: "src/workers/web_shard_worker.ts" };

function newestMtime(dir) {
  let t = 0;
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(join(root, p)).mtimeMs);
  }
  return t;
}

function upToDate() {
  if (!OUTPUTS.every((f) => existsSync(join(root, f)))) return false;
  const oldest = Math.min(...OUTPUTS.map((f) => statSync(join(root, f)).mtimeMs));
  const inputs = Math.max(newestMtime("assembly"), newestMtime("src"),
    ...["asconfig.json", "package.json", "scripts/build.mjs"].map((f) => statSync(join(root, f)).mtimeMs));
  return oldest >= inputs;
}

async function buildWasm(target) {
  const { error, stderr } = await asc(["--config", "asconfig.json", "--target", target], { stdout: process.stdout });
  if (error) {
    process.stderr.write(stderr.toString());
    throw new Error(`asc (${target}) failed: ${error.message}`);
  }
}

async function buildJs() {
  // Chunks sit next to the entries: `new URL("./sdebnn.wasm", import.meta.url)` must resolve in dist/.
  for (const f of readdirSync(join(root, "dist"))) if (f.startsWith("chunk-")) rmSync(join(root, "dist", f));
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: JS_ENTRIES,
    outdir: "dist",
    chunkNames: "chunk-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    external: ["node:*"],
    target: "es2022",
    sourcemap: false,
    logLevel: "warning",
    define: { __SDEBNN_VERSION__: JSON.stringify(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version) },
  });
  const cli = join(root, "dist/cli.js");
  writeFileSync(cli, "#!/usr/bin/env node\n" + readFileSync(cli, "utf8"));
  chmodSync(cli, 0o755);
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
    cwd: root, stdio: "inherit",
  });
}

if (args.has("--if-needed") && upToDate()) process.exit(0);
process.chdir(root);
mkdirSync(join(root, "dist"), { recursive: true });
await buildWasm("release");
await buildWasm("debug");
if (!args.has("--only-wasm")) await buildJs();
