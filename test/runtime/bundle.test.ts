// The published layout: one wasm, a runtime-neutral core, a Node entry, types.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/wasm.js";

const dist = join(ROOT, "dist");

/** The files a module pulls in through relative static imports, transitively. */
function closure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const src = readFileSync(join(dist, entry), "utf8");
  for (const m of src.matchAll(/(?:import|export)\s*(?:[^"';]*?from\s*)?["'](\.\/[^"']+)["']/g)) closure(m[1]!.slice(2), seen);
  return seen;
}

describe("dist/", () => {
  it("holds exactly one wasm binary", () => {
    expect(readdirSync(dist).filter((f) => f.endsWith(".wasm"))).toEqual(["sdebnn.wasm"]);
  });

  it("the core bundle (dist/index.js and its chunks) uses no Node built-ins", () => {
    const files = closure("index.js");
    expect(files.size).toBeGreaterThan(1);
    for (const f of files) {
      const src = readFileSync(join(dist, f), "utf8");
      expect(src, f).not.toMatch(/["']node:|\brequire\(|\bprocess\.|\bBuffer\b/);
    }
  });

  it("the Node entry adds worker threads and data files to the core, and finds the wasm next to itself", () => {
    const src = [...closure("node.js")].map((f) => readFileSync(join(dist, f), "utf8")).join("\n");
    expect(src).toMatch(/from ["']node:worker_threads["']/);
    expect(src).toMatch(/sdebnn\.wasm/);
  });

  it("package.json exports map each runtime to the right entry", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const root = pkg.exports["."];
    // every condition carries the types of its own entry (the node condition: the Node entry's)
    expect(root.node).toEqual({ types: "./dist/types/node.d.ts", default: "./dist/node.js" });
    for (const cond of ["deno", "browser", "worker", "default"]) expect(root[cond]).toEqual({ types: "./dist/types/index.d.ts", default: "./dist/index.js" });
    for (const e of [root.node, root.default, pkg.exports["./advanced"], pkg.exports["./infer"]]) {
      expect(readFileSync(join(ROOT, e.types.slice(2)), "utf8")).toMatch(/export declare function init|export \{ init \}|init/);
      expect(readFileSync(join(ROOT, e.default.slice(2)), "utf8").length).toBeGreaterThan(0);
    }
    expect(readFileSync(join(ROOT, "dist/types/node.d.ts"), "utf8")).toMatch(/export declare function loadData/);
  });
});
