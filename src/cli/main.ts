// `sdebnn` command line: start, train, eval, predict, bench, presets.
import { parseArgs, UsageError, type ProgramSpec } from "./args.js";
import { trainCommand, evalCommand, startCommand } from "./train_cmd.js";
import { predictCommand } from "./predict_cmd.js";
import { benchCommand } from "./bench_cmd.js";
import { reproduceCommand } from "./reproduce_cmd.js";
import { PRESETS } from "../presets/index.js";
import { dataOptionSections } from "./data_help.js";
import { SdebnnError } from "../runtime/errors.js";
import { fileErrorFromOs, isOsError } from "../node/files.js";

const common = {
  json: { type: "boolean", description: "print the result as one JSON document on stdout" },
} as const;
const configFlags = {
  preset: { type: "string", valueName: "NAME", choices: Object.keys(PRESETS), description: "named configuration (see `sdebnn presets`)" },
  config: { type: "string", valueName: "FILE", description: "JSON config merged over the preset" },
  set: { type: "string", multiple: true, valueName: "KEY=VALUE", description: "override one field, e.g. --set train.lr=3e-4 (repeatable)" },
} as const;
const dataFlags = {
  data: { type: "string", valueName: "FILE.csv", description: "tabular: a CSV file with a header row (trains the tabular kind; no --preset needed)" },
  target: { type: "string", valueName: "COLUMN", description: "tabular: the target column (--data)" },
  features: { type: "string", valueName: "a,b,c", description: "tabular: feature columns (default: every column but the target)" },
  task: { type: "string", choices: ["regression", "classification"], description: "tabular: the task (default: classification when the target is not numeric)" },
  test: { type: "string", valueName: "FILE.csv", description: "tabular: a test file with the same columns (default: a seeded data.testFraction of --data)" },
  "drop-missing": { type: "boolean", description: "tabular: drop rows with a missing value in a used column and report how many (default: a DataError naming file, line and column)" },
} as const;

export const PROGRAM: ProgramSpec = {
  name: "sdebnn",
  summary: "Train and run SDE-BNNs (infinitely deep Bayesian neural networks). Exit codes: 0 ok, 1 runtime, " +
    "2 usage, 3 config, 4 data or checkpoint, 5 numerical (NaN/Inf, divergence), 6 file system (missing file, " +
    "directory, permissions, read-only or full disk), 7 run directory in use by another process, " +
    "70 internal error (docs/reliability.md).",
  globalFlags: { ...common },
  commands: [
    { name: "start", summary: "train the toy 1D model on its embedded data (what `npm start` runs) and write its figure", flags: {
      out: { type: "string", valueName: "DIR", default: "runs/toy1d", description: "output directory (a numbered sibling when it already holds a run)" },
      set: configFlags.set } },
    { name: "train", summary: "train a model of any kind; writes config.json, metrics.jsonl, checkpoint.safetensors, manifest.json, results.json and figures",
      flags: { ...configFlags, ...dataFlags, out: { type: "string", valueName: "DIR", required: true, description: "output directory" },
        resume: { type: "boolean", description: "continue the run in --out from its checkpoint (same bits as uninterrupted)" },
        workers: { type: "integer", default: 1, description: "threads computing the batch's shards (train.shards); same bits for any count" },
        "print-config": { type: "boolean", description: "print the effective config and exit" } },
      sections: dataOptionSections,
      examples: ["sdebnn train --preset toy1d --out runs/toy1d", "sdebnn train --preset mnist --out runs/mnist", "sdebnn train --preset mnist --set train.epochs=1 --set model.hidden=32 --out runs/m32",
        "sdebnn train --preset mnist --out runs/mnist --resume",
        "sdebnn train --preset mnist --set data.dataset=folder --set data.dir=pets/train --set data.testDir=pets/test --out runs/pets",
        "sdebnn train --preset mnist --set data.dataset=idx --set data.trainImages=train-images-idx3-ubyte.gz --set data.trainLabels=train-labels-idx1-ubyte.gz --out runs/fashion", "sdebnn train --data houses.csv --target price --out runs/houses",
        "sdebnn train --data iris.csv --target species --features sepal_length,petal_length --set model.width=64 --out runs/iris"] },
    { name: "eval", summary: "score a checkpoint on its config's test set (evaluation weights, S samples; classification or regression metrics)",
      flags: { checkpoint: { type: "string", valueName: "FILE", required: true, description: "checkpoint.safetensors" },
        samples: { type: "integer", description: "Monte-Carlo samples (default: the config's eval.samples)" },
        limit: { type: "integer", description: "evaluate the first N test examples only" },
        workers: { type: "integer", default: 1, description: "threads sharing each chunk's Monte-Carlo samples; same bits for any count" },
        data: { type: "string", valueName: "FILE.csv", description: "tabular: score this CSV file (with the target column) instead of the run's test part" },
        set: { type: "string", multiple: true, valueName: "data.KEY=VALUE", description: "score other test data: change a data option of the model's config, e.g. --set data.testDir=DIR (image folders), --set data.testImages=F --set data.testLabels=F (IDX); not the fitted ones (class names, a table's schema)" },
        target: { type: "string", valueName: "COLUMN", description: "tabular: the target column (must be the model's)" },
        "drop-missing": dataFlags["drop-missing"] } },
    { name: "predict", summary: "predictions with uncertainty: class probabilities, entropy and mutual information (classification), or mean, total/epistemic/aleatoric std and 95 % interval (regression)",
      flags: { checkpoint: { type: "string", valueName: "FILE", required: true, description: "checkpoint.safetensors" },
        samples: { type: "integer", description: "Monte-Carlo samples (default: the config's eval.samples)" },
        scale: { type: "string", choices: ["unit", "byte"], description: "JSON images: values in [0, 1] (unit) or 0..255 (byte); needed when every value is 0 or 1" },
        background: { type: "string", valueName: "GREY", description: "PNG inputs: the grey under transparent pixels: black (default), white or 0..255" },
        out: { type: "string", valueName: "FILE.csv", description: "also write the predictions as CSV (one row per input row; a true_class column when the rows have one)" },
        labels: { type: "string", valueName: "FILE", description: "images: an IDX label file (raw or gzipped) giving the true class of each image of the one INPUT (an IDX image file); prints the accuracy summary" },
        set: { type: "string", multiple: true, valueName: "KEY=VALUE", description: "not taken: predict reads its INPUT files with the model's own encoding (data options go to train, eval, reproduce)" } },
      positionals: [{ name: "INPUT", description: "images: PNG, IDX or JSON ([[pixel rows]] in [0,1] or 0..255 ints), or a directory of PNGs: DIR/*.png, or DIR/<class>/*.png " +
        "whose folder names are classes of the model (each row's true_class, then a line with the accuracy and mean entropy); files in code-unit order of their names, " +
        "hidden files (.DS_Store) skipped, any other non-PNG file an error; tabular: CSV with the feature columns (toy1d: a column x), or a JSON array of values for a model of one numeric feature", required: true, variadic: true }],
      examples: ["sdebnn predict --checkpoint runs/toy1d/checkpoint.safetensors points.csv", "sdebnn predict --checkpoint runs/mnist/checkpoint.safetensors digit.png --json",
        "sdebnn predict --checkpoint runs/pets/checkpoint.safetensors pets/test --out preds.csv",
        "sdebnn predict --checkpoint runs/fashion/checkpoint.safetensors t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz",
        "sdebnn predict --checkpoint runs/houses/checkpoint.safetensors new_houses.csv --out predictions.csv"] },
    { name: "bench", summary: "examples per second of training steps and prediction for a preset",
      flags: { ...configFlags, steps: { type: "integer", default: 5, description: "timed training steps" },
        workers: { type: "integer", default: 1, description: "threads computing the batch's shards" } } },
    { name: "presets", summary: "list the named configurations", flags: {} },
    { name: "reproduce", summary: "re-run a training run from its manifest.json; exit 0 if bit-identical, 1 if it differs (reports the first differing step)",
      flags: { out: { type: "string", valueName: "DIR", description: "output directory of the re-run (default: a new temporary directory)" },
        score: { type: "boolean", description: "also score the test set and write results.json (the bit-identity check does not need it)" },
        set: { type: "string", multiple: true, valueName: "data.KEY=PATH", description: "the data files moved: their new location, e.g. --set data.dir=/new/place (only file and folder options; the re-run checks the data are the recorded ones)" } },
      positionals: [{ name: "MANIFEST", description: "manifest.json written by `sdebnn train`", required: true }],
      examples: ["sdebnn reproduce runs/mnist/manifest.json --out runs/mnist-again"] },
  ],
};

function exitCode(e: SdebnnError): number {
  if (e instanceof UsageError) return 2;
  switch (e.code) {
    case "E_CONFIG": return 3;
    case "E_DATA": case "E_CHECKPOINT": return 4;
    case "E_NUMERICAL": return 5;
    case "E_FILE": return 6;
    case "E_LOCKED": return 7;
    case "E_ARGUMENT": return 3;
    default: return 1;
  }
}

/** The package version (injected by the build; "dev" when running from source). */
declare const __SDEBNN_VERSION__: string | undefined;
export const VERSION: string = typeof __SDEBNN_VERSION__ === "string" ? __SDEBNN_VERSION__ : "dev";

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) { console.log(VERSION); return 0; }
  const parsed = parseArgs(PROGRAM, argv);
  if (parsed.kind === "help") { console.log(parsed.text); return 0; }
  const { command, flags, positionals } = parsed;
  const json = flags.json === true;
  switch (command) {
    case "start": return startCommand(flags, json);
    case "train": return trainCommand(flags, json);
    case "eval": return evalCommand(flags, json);
    case "predict": return predictCommand(flags, positionals, json);
    case "bench": return benchCommand(flags, json);
    case "reproduce": return reproduceCommand(flags, positionals, json);
    case "presets":
      if (json) console.log(JSON.stringify(Object.fromEntries(Object.entries(PRESETS).map(([k, p]) => [k, p.description]))));
      else for (const [k, p] of Object.entries(PRESETS)) console.log(`${k.padEnd(16)} ${p.description}`);
      return 0;
    default: throw new UsageError(`unknown command '${command}'`);
  }
}

export function reportError(e: unknown): number {
  // an OS error the command did not anticipate (a write failing mid-run: ENOSPC, EIO, ...) is still a file error
  if (!(e instanceof SdebnnError) && isOsError(e)) e = fileErrorFromOs(e);
  if (e instanceof SdebnnError) {
    console.error(`sdebnn: ${e.name} [${e.code}]: ${e.message}`);
    return exitCode(e);
  }
  console.error(e);
  return 70;
}
