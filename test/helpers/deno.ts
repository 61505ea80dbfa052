// The Deno binary shipped by the npm package `deno` (its postinstall does not run under npm 11's
// install-script policy, so resolve the platform binary through the package's own API).
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { ROOT } from "./wasm.js";

const require = createRequire(import.meta.url);

export function denoPath(): string {
  return (require("deno/install_api.cjs") as { runInstall(): string }).runInstall();
}

/** Runs a Deno script with read access to the repository; returns its last stdout line as JSON. */
export function runDenoJson<T>(script: string, extraArgs: string[] = []): T {
  const r = spawnSync(denoPath(), ["run", "--no-prompt", `--allow-read=${ROOT}`, ...extraArgs, script],
    { encoding: "utf8", env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`deno ${script} failed (${r.status}): ${r.stderr || r.error}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as T;
}
