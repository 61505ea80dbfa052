// Rewrites version 1 sdebnn checkpoints (checksum over the tensors only) as version 2 (checksum over
// header and tensors), in place, atomically. Only for files known to be intact: a version 1 header
// cannot be verified.   node scripts/build.mjs && node scripts/upgrade_checkpoint.mjs FILE...
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { upgradeCheckpoint, sha256Hex } from "../dist/node.js";

for (const file of process.argv.slice(2)) {
  const before = new Uint8Array(readFileSync(file));
  const after = await upgradeCheckpoint(before, file);
  if (after === before) { console.log(`${file}: already version 2`); continue; }
  writeFileSync(`${file}.upgrade-tmp`, after);
  renameSync(`${file}.upgrade-tmp`, file);
  console.log(`${file}: version 1 -> 2, ${before.length} -> ${after.length} bytes, sha256 ${await sha256Hex(after)}`);
}
