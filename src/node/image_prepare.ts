// NODE-ONLY: a folder or IDX image config fitted to its files before training: data.classNames
// (the class folder names, or the IDX labels' names) and the model's input shape and class count
// (model.channels, height, width, classes) follow the training data. A value the data change is
// reported through `onNote` ("model.height 8 -> 28 (...)"), never replaced silently.
import { DataError } from "../runtime/errors.js";
import { resolveRunConfig } from "../models/registry.js";
import type { ImageRunConfig } from "../models/image_config.js";
import { folderShape, scanImageFolder, type FolderShape } from "./image_folder.js";
import { readIdxPair } from "./idx_pair.js";

export type NoteSink = (line: string) => void;

interface Fitted { shape: FolderShape; classes: string[]; source: string }

/** At most this many skipped entries are named in the note. */
const NAMED_SKIPS = 3;

function fitFolder(cfg: ImageRunConfig, onNote: NoteSink): Fitted {
  const dir = cfg.data.dir!, scan = scanImageFolder(dir, "training folder (data.dir)");
  const n = scan.skipped.length;
  if (n > 0) {
    onNote(`skipped ${n} ${n === 1 ? "entry" : "entries"} of ${dir} that ${n === 1 ? "is" : "are"} not a PNG file in a class folder: ` +
      `${scan.skipped.slice(0, NAMED_SKIPS).join(", ")}${n > NAMED_SKIPS ? ", ..." : ""}`);
  }
  const names = cfg.data.classNames;
  if (names.length > 0 && JSON.stringify(names) !== JSON.stringify(scan.classes)) {
    throw new DataError(`${dir}: the class folders ${scan.classes.map((c) => JSON.stringify(c)).join(", ")} differ from data.classNames ${names.map((c) => JSON.stringify(c)).join(", ")}`);
  }
  if (scan.classes.length < 2) throw new DataError(`${dir}: one class folder (${JSON.stringify(scan.classes[0])}): a classifier needs at least 2 classes`);
  return { shape: folderShape(scan), classes: scan.classes, source: `the PNGs in ${dir}` };
}

function fitIdx(cfg: ImageRunConfig): Fitted {
  const d = cfg.data, given = d.classNames.length > 0 ? d.classNames.length : undefined;
  const set = readIdxPair({ images: d.trainImages!, labels: d.trainLabels! }, { numClasses: given, what: "training (data.trainImages, data.trainLabels)" });
  if (set.numClasses < 2) throw new DataError(`${d.trainLabels}: every label is 0: a classifier needs at least 2 classes`);
  const classes = given ? [...d.classNames] : Array.from({ length: set.numClasses }, (_, i) => String(i));
  return { shape: { channels: 1, height: set.height, width: set.width }, classes, source: `the images of ${d.trainImages}` };
}

/** The config with data.classNames and the model's input shape taken from the training files (folder, idx). */
export function prepareImage(cfg: ImageRunConfig, onNote: NoteSink = () => {}): ImageRunConfig {
  if (cfg.data.dataset !== "folder" && cfg.data.dataset !== "idx") return cfg;
  const f = cfg.data.dataset === "folder" ? fitFolder(cfg, onNote) : fitIdx(cfg);
  const model: Record<string, unknown> = { ...cfg.model };
  const want = { channels: f.shape.channels, height: f.shape.height, width: f.shape.width, classes: f.classes.length };
  for (const [k, v] of Object.entries(want)) {
    if (model[k] !== v) onNote(`model.${k} ${String(model[k])} -> ${v} (from ${f.source})`);
    model[k] = v;
  }
  return resolveRunConfig({ ...cfg, model, data: { ...cfg.data, classNames: f.classes } }) as ImageRunConfig;
}
