// NODE-ONLY: images from a folder tree ROOT/<class>/*.png. Classes are the sub-folder names in
// code-unit order (hidden entries are skipped, and so are non-PNG entries, which the scan lists for
// the training run's note); labels are their indices. Every
// image must have the set's size; grey and colour PNGs mix (the set is RGB when any training image
// is colour: grey replicated; a grey model reduces colour to grey, BT.601 integer weights).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DataError, FileError } from "../runtime/errors.js";
import { parsePng, type PngChunks } from "../data/png.js";
import type { ImageSet } from "../data/dataset.js";
import { fileErrorFromOs, isOsError, readFileChecked } from "./files.js";
import { pngPixelsSync } from "./png_sync.js";

/** The largest class count (labels are stored as bytes). */
export const MAX_FOLDER_CLASSES = 256;

export interface FolderFile { path: string; label: number }
export interface FolderScan {
  root: string;
  classes: string[];
  files: FolderFile[];
  /** Entries that are not read (not hidden): files beside the class folders, non-PNG files and folders inside them. */
  skipped: string[];
}
export interface FolderShape { channels: 1 | 3; height: number; width: number }

/** A PNG file's name (*.png, any case); hidden names (a leading '.') are never images. */
export const isPng = (name: string) => /\.png$/i.test(name) && !name.startsWith(".");

/** The entries of a folder without hidden ones (a leading '.', e.g. .DS_Store), in code-unit order; FileError when it is not a readable folder. */
export function entries(dir: string, what: string) {
  try {
    if (!statSync(dir).isDirectory()) throw new FileError(`${what} '${dir}' is not a directory: give the folder that holds one sub-folder of PNGs per class`, dir, "ENOTDIR");
    return readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith(".")).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    throw isOsError(e) ? fileErrorFromOs(e, what, dir) : e;
  }
}

/** The class folders of ROOT and their PNG files (DataError: no class folder, a class folder without PNGs). */
export function scanImageFolder(root: string, what: string): FolderScan {
  const top = entries(root, what), classes = top.filter((e) => e.isDirectory()).map((e) => e.name);
  const skipped = top.filter((e) => !e.isDirectory()).map((e) => join(root, e.name));
  if (classes.length === 0) throw new DataError(`${root}: no class folders (expected ${root}/<class>/*.png, one sub-folder per class)`);
  if (classes.length > MAX_FOLDER_CLASSES) throw new DataError(`${root}: ${classes.length} class folders, at most ${MAX_FOLDER_CLASSES} are supported`);
  const files: FolderFile[] = [];
  classes.forEach((c, label) => {
    const dir = join(root, c);
    const inner = entries(dir, `class folder of ${what}`), pngs = inner.filter((e) => e.isFile() && isPng(e.name));
    if (pngs.length === 0) throw new DataError(`${dir}: class folder ${JSON.stringify(c)} holds no PNG files (*.png)`);
    for (const e of pngs) files.push({ path: join(dir, e.name), label });
    for (const e of inner) if (!pngs.includes(e)) skipped.push(join(dir, e.name));
  });
  return { root, classes, files, skipped };
}

/** Each file's parsed PNG chunks (header and compressed data). */
function readAll(scan: FolderScan): PngChunks[] {
  return scan.files.map((f) => parsePng(readFileChecked(f.path, { what: "image" }), f.path));
}

/** The shape of a training folder: the first image's size (every image must have it), RGB when any image is colour. */
export function folderShape(scan: FolderScan): FolderShape {
  const heads = readAll(scan);
  const first = heads[0]!, firstPath = scan.files[0]!.path;
  heads.forEach((h, i) => checkSize(h, scan.files[i]!.path, first, `as ${firstPath}, the first image`));
  return { channels: heads.some((h) => h.colour) ? 3 : 1, height: first.height, width: first.width };
}

function checkSize(h: PngChunks, path: string, want: { width: number; height: number }, why: string): void {
  if (h.width !== want.width || h.height !== want.height) {
    throw new DataError(`${path}: expected a ${want.width}x${want.height} image (${why}), got ${h.width}x${h.height}`);
  }
}

export interface FolderReadOptions {
  /** The model's classes: each class folder must be one of them (labels are their indices). */
  classes: readonly string[];
  shape: FolderShape;
  /** The set must hold every class (a training folder), not a subset (a test folder). */
  allClasses: boolean;
}

/** The images of a folder tree as an ImageSet of the model's shape and classes. */
export function readImageFolder(scan: FolderScan, o: FolderReadOptions): ImageSet {
  const { channels, height, width } = o.shape;
  const unknown = scan.classes.find((c) => !o.classes.includes(c));
  if (unknown !== undefined) {
    throw new DataError(`${join(scan.root, unknown)}: class folder ${JSON.stringify(unknown)} is not one of the model's classes (data.classNames): ${o.classes.map((c) => JSON.stringify(c)).join(", ")}`);
  }
  if (o.allClasses && scan.classes.length !== o.classes.length) {
    const missing = o.classes.filter((c) => !scan.classes.includes(c));
    throw new DataError(`${scan.root}: no class folder for ${missing.map((c) => JSON.stringify(c)).join(", ")} (data.classNames lists ${o.classes.length} classes)`);
  }
  const per = channels * height * width, pixels = new Uint8Array(scan.files.length * per), labels = new Uint8Array(scan.files.length);
  scan.files.forEach((f, i) => {
    const h = parsePng(readFileChecked(f.path, { what: "image" }), f.path);
    checkSize(h, f.path, o.shape, "the model's input size, model.width x model.height");
    pixels.set(pngPixelsSync(h, f.path, { channels }).pixels, i * per);
    labels[i] = o.classes.indexOf(scan.classes[f.label]!);
  });
  return { count: scan.files.length, channels, height, width, pixels, labels, numClasses: o.classes.length };
}
