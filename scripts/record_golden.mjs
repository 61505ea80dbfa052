// Records the golden cases' SHA-256 values (test/runtime/golden/cases.mjs, run in Node on the built
// dist/) into test/runtime/golden/expected.json, with the CPU they were recorded on. Run it only
// when a deliberate kernel change moves the golden bits, and commit expected.json in the same
// commit as the change, saying why in the message.
//   node scripts/build.mjs && node scripts/record_golden.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const sdebnn = await import(join(root, "dist/advanced.js"));
const node = await import(join(root, "dist/node.js"));
const { goldenRun, mnistFixture, mnistFixtureBytes } = await import(join(root, "test/runtime/golden/cases.mjs"));
const { cpuModel } = await import(join(root, "test/runtime/golden/cpu.mjs"));

const fixture = mnistFixtureBytes(node.loadData(await node.init(), node.configOf("mnist")).train.images);
const run = await goldenRun(sdebnn, new Uint8Array(readFileSync(join(root, "dist/sdebnn.wasm"))), { mnist: mnistFixture(fixture) });
const expected = {
  recordedOn: { cpu: cpuModel(), date: new Date().toISOString().slice(0, 10), runtime: `node ${process.versions.node}` },
  howToUpdate: "node scripts/build.mjs && node scripts/record_golden.mjs; commit this file in the same commit as the kernel change and say why",
  results: run.results,
};
const file = join(root, "test/runtime/golden/expected.json");
writeFileSync(file, JSON.stringify(expected, null, 2) + "\n");
console.log(`${Object.keys(run.results).length} golden SHA-256 values recorded on ${expected.recordedOn.cpu} -> ${file}`);
