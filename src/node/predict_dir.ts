// NODE-ONLY: the PNG files of a directory given to `sdebnn predict`: a flat folder DIR/*.png, or a
// tree DIR/<class>/*.png whose folder names are classes of the model (each file's true class).
// Entries are taken in code-unit order of their names; hidden ones (a leading '.', e.g. .DS_Store)
// are skipped, anything else that is not a PNG is a DataError (a prediction per file the user
// gave, never fewer rows than files without saying so).
import { statSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../runtime/errors.js";
import { entries, isPng } from "./image_folder.js";
import { fileErrorFromOs, isOsError } from "./files.js";

export interface DirFile {
  path: string;
  /** Index of the file's class folder name among the model's classes (a tree), else undefined (a flat folder). */
  label?: number;
}

const LAYOUT = "predict DIR reads DIR/*.png or DIR/<class>/*.png";

/** Is `path` a directory (following symbolic links)? FileError when it cannot be examined. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (e) {
    throw isOsError(e) ? fileErrorFromOs(e, "input", path) : e;
  }
}

/** The non-hidden entries of `dir` split into folders and files (symbolic links followed). */
function split(dir: string, what: string): { dirs: string[]; files: string[] } {
  const dirs: string[] = [], files: string[] = [];
  for (const e of entries(dir, what)) (isDirectory(join(dir, e.name)) ? dirs : files).push(e.name);
  return { dirs, files };
}

/** The PNG files of one folder (DataError: a non-PNG file, a sub-folder, no PNG at all). */
function pngsOf(dir: string, files: string[], dirs: string[], where: string): string[] {
  if (dirs.length > 0) throw new DataError(`${join(dir, dirs[0]!)}: a folder inside ${where}: ${LAYOUT}`);
  const other = files.find((f) => !isPng(f));
  if (other !== undefined) {
    throw new DataError(`${join(dir, other)}: not a PNG file (*.png): ${LAYOUT}; hidden files (names starting with '.') are skipped, move other files elsewhere`);
  }
  if (files.length === 0) throw new DataError(`${dir}: no PNG files (*.png) in ${where}`);
  return files.map((f) => join(dir, f));
}

/**
 * The PNGs of a predict directory in a fixed order (class folders, then files, by code unit).
 * `classes` are the model's class names: a class folder must be one of them.
 */
export function predictDirFiles(dir: string, classes: readonly string[]): DirFile[] {
  const top = split(dir, "input folder");
  if (top.dirs.length === 0) return pngsOf(dir, top.files, [], "the input folder").map((path) => ({ path }));
  if (top.files.length > 0) {
    throw new DataError(`${dir}: holds both files (${JSON.stringify(top.files[0])}) and folders (${JSON.stringify(top.dirs[0])}): ${LAYOUT}, not both`);
  }
  return top.dirs.flatMap((c) => {
    const label = classes.indexOf(c);
    if (label < 0) {
      throw new DataError(`${join(dir, c)}: folder ${JSON.stringify(c)} is not one of the model's classes (${classes.map((n) => JSON.stringify(n)).join(", ")}): ` +
        `the folders of DIR/<class>/*.png name each image's true class`);
    }
    const sub = join(dir, c), inner = split(sub, "class folder");
    return pngsOf(sub, inner.files, inner.dirs, `class folder ${JSON.stringify(c)}`).map((path) => ({ path, label }));
  });
}
