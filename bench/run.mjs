// `npm run bench`: every bench script in sequence (each prints its own table; see README "Speed").
//   node bench/run.mjs [--quick]   (--quick: the short variants, not measurements)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const quick = process.argv.includes("--quick");
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const scripts = [
  ["kernels.mjs", quick ? ["--samples", "3"] : []],
  ["nn_ops.mjs", quick ? ["--samples", "3"] : []],
  ["rng.mjs", []],
  ["sde_diagnostics.mjs", []],
  ["sde_fig5.mjs", quick ? ["20"] : []],
  ["infer_cold_start.mjs", []],
  ["edge.mjs", quick ? ["--requests", "200"] : []],
  ["train_step.mjs", quick ? ["--quick"] : []],
  ["infer_peers.mjs", quick ? ["--reps", "3"] : []],
  ["scaling.mjs", quick ? ["--quick"] : []],
  ["toy1d.mjs", quick ? ["--seeds", "1", "--set", "train.epochs=50"] : []],
];
let failed = 0;
for (const [file, args] of scripts) {
  console.log(`\n## node bench/${file} ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, [here(`./${file}`), ...args], { stdio: "inherit" });
  if (r.status !== 0) { failed++; console.error(`bench/${file} exited with ${r.status}`); }
}
process.exit(failed ? 1 : 0);
