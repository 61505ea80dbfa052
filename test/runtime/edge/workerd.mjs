// Cloudflare's workerd serving examples/edge/worker.mjs. What wrangler does is done here: the
// worker is bundled by esbuild into one ES module, its `.wasm` import stays a separate CompiledWasm
// module (a WebAssembly.Module in the worker) and its `.safetensors` import a Data module (an
// ArrayBuffer); a workerd config lists the three modules and one HTTP socket on 127.0.0.1.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { build } from "esbuild";

/** Module kinds of the non-JS imports, as in wrangler's default rules (plus Data for checkpoints and fixtures). */
const MODULE_TYPES = { ".wasm": "wasm", ".safetensors": "data", ".bin": "data" };

/**
 * Writes `outDir`/{worker.js, the wasm, the checkpoint, config.capnp} for `entry`; the config
 * serves it on `127.0.0.1:port`. Returns the config path.
 */
export async function prepareWorkerd({ entry, outDir, port }) {
  mkdirSync(outDir, { recursive: true });
  const modules = [];
  const plugin = {
    name: "worker-modules",
    setup(b) {
      b.onResolve({ filter: /\.(wasm|safetensors|bin)$/ }, (a) => {
        const file = join(a.resolveDir, a.path);
        const name = basename(file);
        if (!modules.some((m) => m.name === name)) {
          copyFileSync(file, join(outDir, name));
          modules.push({ name, type: MODULE_TYPES[name.slice(name.lastIndexOf("."))] });
        }
        return { path: `./${name}`, external: true };
      });
    },
  };
  await build({ entryPoints: [entry], bundle: true, format: "esm", outfile: join(outDir, "worker.js"), platform: "neutral",
    logLevel: "error", plugins: [plugin] });
  const list = [`(name = "worker.js", esModule = embed "worker.js")`, ...modules.map((m) => `(name = "${m.name}", ${m.type} = embed "${m.name}")`)];
  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    ${list.join(",\n    ")},
  ],
  compatibilityDate = "2025-06-01",
);
`;
  writeFileSync(join(outDir, "config.capnp"), config);
  return join(outDir, "config.capnp");
}
