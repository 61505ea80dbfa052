// The runtime binaries shipped by npm packages (devDependencies). Their postinstall scripts need
// approval under npm 11, so each is resolved from the package itself whether or not it ran.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { statSync } from "node:fs";

const require = createRequire(import.meta.url);

/** Deno from the npm package `deno` (its API installs the platform binary next to it). */
export const denoPath = () => require("deno/install_api.cjs").runInstall();

/** workerd from the npm package `workerd` (its main module names the platform package's binary). */
export const workerdPath = () => require("workerd").default;

/** Bun from the npm package `bun`: bin/bun.exe once the postinstall copied the binary there, else the platform package's. */
export function bunPath() {
  const copied = join(dirname(require.resolve("bun/package.json")), "bin", "bun.exe");
  if (statSync(copied).size > 1 << 20) return copied; // before the postinstall it is a 600-byte placeholder
  const arch = { x64: "x64", arm64: "aarch64" }[process.arch] ?? process.arch;
  return require.resolve(`@oven/bun-${process.platform}-${arch}/bin/bun`);
}

/** The version of an installed npm package. */
export const packageVersion = (name) => require(`${name}/package.json`).version;
