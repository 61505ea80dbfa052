// Every TypeScript snippet of the README and docs/ is type-checked with `tsc --strict` against the
// packed tarball installed into a fresh folder (as a user's project would see the package) and then
// run with Node from that folder: it must exit 0 and print something. A snippet that no longer
// compiles or throws fails here.
import { describe, expect, it, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/wasm.js";
import { packedInstall, userEnv } from "../helpers/packed.js";

interface Snippet { file: string; index: number; line: number; code: string }

/** The ```ts blocks of a markdown file, with the line each starts on. */
export function tsBlocks(file: string): Snippet[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== "```ts") continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j]!.trim() !== "```") j++;
    out.push({ file, index: out.length, line: start + 1, code: lines.slice(start, j).join("\n") + "\n" });
    i = j;
  }
  return out;
}

const files = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const snippets = files.flatMap(tsBlocks);
let dir = "";

beforeAll(() => {
  const p = packedInstall();
  dir = join(p.app, `snippets-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  for (const s of snippets) writeFileSync(join(dir, `${s.file.replace(/\W/g, "_")}_${s.index}.ts`), s.code);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", outDir: "out", skipLibCheck: false,
      typeRoots: [join(ROOT, "node_modules/@types")], types: ["node"], lib: ["ES2022", "DOM"],
    },
    include: ["*.ts"],
  }));
}, 300_000);

describe("documentation snippets", () => {
  it("README and docs hold TypeScript snippets (the README's quick start among them)", () => {
    expect(snippets.filter((s) => s.file === "README.md").length).toBeGreaterThanOrEqual(2);
    expect(snippets.length).toBeGreaterThanOrEqual(5);
  });

  it("every snippet compiles under tsc --strict against the installed tarball", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], { encoding: "utf8", env: userEnv() });
    expect(r.stdout + r.stderr, "tsc output").toBe("");
    expect(r.status).toBe(0);
  }, 120_000);

  for (const s of snippets) {
    it(`${s.file} snippet ${s.index + 1} (line ${s.line}) runs`, () => {
      const js = join(dir, "out", `${s.file.replace(/\W/g, "_")}_${s.index}.js`);
      const r = spawnSync(process.execPath, [js], { cwd: dir, encoding: "utf8", env: userEnv(), timeout: 240_000 });
      expect(r.stderr, `${s.file}:${s.line}`).not.toMatch(/Error/);
      expect(r.status, `${s.file}:${s.line}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim().length).toBeGreaterThan(0);
    }, 240_000);
  }
});
