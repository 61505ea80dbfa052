// `sdebnn` command line.
import { start } from "./start.js";
import { SdebnnError } from "../runtime/errors.js";

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
