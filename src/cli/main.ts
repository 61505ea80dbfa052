// `sdebnn` command line.
import { init } from "../node.js";
import { SdebnnError } from "../runtime/errors.js";

async function start(): Promise<void> {
  const rt = await init();
  const n = 1_000_000;
  // sum_{k>=1} 1/k^2 = pi^2/6, accumulated in f32 in wasm with a fixed reduction order
  const x = rt.arena.f32(n, false);
  const v = x.view;
  for (let k = 0; k < n; k++) v[k] = 1 / ((k + 1) * (k + 1));
  const basel = rt.wasm.vec_sum(x.ptr, n);
  const y = rt.arena.f32From(Array.from({ length: 1024 }, (_, i) => (i % 7) - 3));
  const dot = rt.wasm.vec_dot(y.ptr, y.ptr, y.length);
  console.log(`sdebnn: wasm loaded (${rt.memory.buffer.byteLength} bytes of linear memory)`);
  console.log(`  sum_{k=1..${n}} 1/k^2 in f32 (SIMD, fixed order) = ${basel.toPrecision(9)}  (pi^2/6 = ${(Math.PI ** 2 / 6).toPrecision(9)})`);
  console.log(`  |y|^2 for y_i = (i mod 7) - 3, i < 1024            = ${dot}`);
}

async function main(argv: string[]): Promise<number> {
  const cmd = argv[0] ?? "start";
  switch (cmd) {
    case "start":
      await start();
      return 0;
    case "--help":
    case "help":
      console.log("usage: sdebnn <command>\n\ncommands:\n  start   run the default job");
      return 0;
    default:
      console.error(`sdebnn: unknown command '${cmd}' (try 'sdebnn --help')`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof SdebnnError) {
      console.error(`sdebnn: ${e.name} [${e.code}]: ${e.message}`);
      process.exitCode = 1;
    } else {
      console.error(e);
      process.exitCode = 70;
    }
  },
);
