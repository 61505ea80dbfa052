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

  it("the Node entry reads the wasm from disk and re-exports the core", () => {
    const src = [...closure("node.js")].map((f) => readFileSync(join(dist, f), "utf8")).join("\n");
    expect(src).toMatch(/from ["']node:fs\/promises["']/);
    expect(src).toMatch(/sdebnn\.wasm/);
  });

  it("package.json exports map each runtime to the right entry", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const root = pkg.exports["."];
    expect(root.node).toBe("./dist/node.js");
    for (const cond of ["deno", "browser", "worker", "default"]) expect(root[cond]).toBe("./dist/index.js");
    expect(root.types).toBe("./dist/types/index.d.ts");
    expect(readFileSync(join(ROOT, root.types.slice(2)), "utf8")).toMatch(/export declare function init/);
  });
});
