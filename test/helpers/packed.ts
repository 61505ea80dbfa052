// The npm tarball (`npm pack` of this repository) installed into a fresh folder outside the
// repository, so nothing resolves through the repository's own node_modules. Packed and installed
// once per dist/ content: the folder is keyed by a hash of dist/, package.json and README.md, and
// every test file (any vitest worker) of the run reuses it.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative, sep } from "node:path";
import { ROOT } from "./wasm.js";

export interface PackedInstall {
  /** The tarball `npm pack` wrote. */
  tarball: string;
  /** A folder with package.json ({"type": "module"}) and node_modules/sdebnn installed from the tarball. */
  app: string;
  /** The installed package: `app`/node_modules/sdebnn. */
  pkg: string;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)])).sort();
}

/** SHA-256 (hex, first 16) over the packed inputs: every file of dist/ (path and bytes), package.json, README.md. */
export function packedKey(): string {
  const h = createHash("sha256");
  for (const f of [...files(join(ROOT, "dist")), join(ROOT, "package.json"), join(ROOT, "README.md")]) {
    h.update(relative(ROOT, f)).update("\0").update(readFileSync(f)).update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

/**
 * The environment of a user's shell: PATH without the node_modules/.bin folders a test runner puts
 * first (the repository's tree holds an old npm 6, a dependency of a dependency).
 */
export function userEnv(): NodeJS.ProcessEnv {
  const path = (process.env.PATH ?? "").split(delimiter).filter((d) => !d.includes(`node_modules${sep}.bin`)).join(delimiter);
  return { ...process.env, PATH: path, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20, env: userEnv() });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed (${r.status}): ${r.stderr || r.error}`);
  return r.stdout;
}

/**
 * Packs the repository (dist/ must be built) and installs the tarball into a fresh folder, or
 * returns the folder an earlier call made for the same dist/. The folder is filled under a
 * temporary name and renamed into place, so concurrent callers never see half an install.
 */
export function packedInstall(): PackedInstall {
  const base = join(tmpdir(), `sdebnn-packed-${packedKey()}`);
  const result = (): PackedInstall => {
    const tarball = join(base, readdirSync(base).find((f) => f.endsWith(".tgz"))!);
    return { tarball, app: join(base, "app"), pkg: join(base, "app", "node_modules", "sdebnn") };
  };
  if (existsSync(join(base, "done"))) return result();
  const work = `${base}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "app"), { recursive: true });
  try {
    const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], ROOT)) as { filename: string }[];
    const tarball = join(work, packed[0]!.filename);
    writeFileSync(join(work, "app", "package.json"), JSON.stringify({ name: "sdebnn-packed-app", private: true, type: "module" }, null, 2));
    run("npm", ["install", "--offline", "--no-package-lock", "--ignore-scripts", tarball], join(work, "app"));
    writeFileSync(join(work, "done"), "");
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  try {
    renameSync(work, base);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another worker got there first: use its folder
    if (!existsSync(join(base, "done"))) throw new Error(`${base} exists but is incomplete`);
  }
  return result();
}
