// The whole suite: build, as-pect kernel specs, vitest (incl. Node/Deno/Chromium), then one plain
// summary line "N passed, N failed" for CI. Exits non-zero on any failure.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 256 << 20 });
const bin = (name) => join(root, "node_modules", ".bin", name);

const build = spawnSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
if (build.status !== 0) { console.log("0 passed, 1 failed"); process.exit(1); }

// type-check the tests too (the build type-checks src/ only)
const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.test.json"], { cwd: root, stdio: "inherit" });
const tscFailed = tsc.status === 0 ? 0 : 1;
if (tscFailed) console.log("type check of src/ and test/ failed");

const asp = run(bin("asp"), ["--summary", "--no-logo"]);
process.stdout.write(asp.stdout);
const m = /\[Tests\]:\s*(?:\x1b\[[0-9;]*m)*(\d+)(?:\x1b\[[0-9;]*m)*\s*\/\s*(\d+)/.exec(asp.stdout);
const aspPassed = m ? Number(m[1]) : 0, aspTotal = m ? Number(m[2]) : 0;

mkdirSync(join(root, "build"), { recursive: true });
const report = join(root, "build", "vitest-report.json");
rmSync(report, { force: true });
const vt = run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile=${report}`]);
process.stdout.write(vt.stdout);
let vPassed = 0, vFailed = 0, vSkipped = 0;
const failures = [];
try {
  const r = JSON.parse(readFileSync(report, "utf8"));
  vPassed = r.numPassedTests; vFailed = r.numFailedTests; vSkipped = r.numPendingTests + r.numTodoTests;
  for (const f of r.testResults) {
    const file = f.name.slice(root.length + 1);
    if (f.status === "failed" && !f.assertionResults.some((t) => t.status === "failed")) failures.push(`${file}: ${firstLine(f.message)}`);
    for (const t of f.assertionResults) if (t.status === "failed") failures.push(`${file} > ${t.title}: ${firstLine(t.failureMessages?.[0])}`);
  }
} catch { vFailed = vFailed || 1; }
function firstLine(msg) { return String(msg ?? "").split("\n")[0].replace(/\x1b\[[0-9;]*m/g, "").slice(0, 300); }

const passed = aspPassed + vPassed;
const failed = tscFailed + (aspTotal - aspPassed) + vFailed + (asp.status !== 0 && aspTotal === aspPassed ? 1 : 0) + (vt.status !== 0 && vFailed === 0 ? 1 : 0);
// repeated last on stdout, so that a CI log's tail names what failed
if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `  ${f}`).join("\n")}`);
console.log(`\nas-pect ${aspPassed}/${aspTotal}, vitest ${vPassed} passed / ${vFailed} failed${vSkipped ? ` / ${vSkipped} skipped` : ""}`);
console.log(`${passed} passed, ${failed} failed${vSkipped ? `, ${vSkipped} skipped` : ""}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
