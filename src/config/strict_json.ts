// JSON.parse with two extra refusals, for every JSON text sdebnn reads (config files, --set values,
// checkpoint headers and their config metadata):
//  - nesting deeper than `maxDepth` (JSON.parse itself copes with any depth, but every recursive
//    walk afterwards - validation, copying, JSON.stringify - overflows the stack near 10,000 levels);
//  - an object holding the same key twice (JSON.parse silently keeps the last one, so a corrupted
//    or hand-edited file could carry two values of which only one is seen).
// The scan is iterative (no recursion) and linear in the text length.
import type { SdebnnError } from "../runtime/errors.js";

/** Deepest nesting of objects/arrays accepted in a config (the schema itself needs 4 levels). */
export const MAX_CONFIG_DEPTH = 64;

export interface StrictJsonOptions {
  /** Names the text in messages: a file name, "--set model.x", "checkpoint.safetensors: metadata 'config'". */
  where: string;
  /** Deepest accepted nesting: 1 = a flat object or array. */
  maxDepth: number;
  /** Builds the typed error (ConfigError, CheckpointError) from a message. */
  error: (message: string) => SdebnnError;
}

/** Line and column (1-based) of a character offset, for messages. */
function position(text: string, offset: number): string {
  let line = 1, col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; col = 1; } else col++;
  }
  return `line ${line}, column ${col}`;
}

/**
 * Checks the depth bound (before parsing, so that a deep text costs one linear scan), parses,
 * then checks for duplicate keys. Throws `opts.error(...)` naming the place and the bound.
 */
export function parseJsonStrict(text: string, opts: StrictJsonOptions): unknown {
  checkDepth(text, opts);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw opts.error(`${opts.where}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  checkDuplicateKeys(text, opts);
  return value;
}

/** The end (exclusive) of the JSON string token starting at `i` (a '"'). */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92) j += 2; // backslash: skip the escaped character
    else if (c === 34) return j + 1;
    else j++;
  }
  return text.length;
}

function checkDepth(text: string, opts: StrictJsonOptions): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) { i = stringEnd(text, i) - 1; continue; }
    if (c === 123 || c === 91) { // { [
      if (++depth > opts.maxDepth) {
        throw opts.error(`${opts.where}: nesting deeper than ${opts.maxDepth} levels at ${position(text, i)} ` +
          `(expected at most ${opts.maxDepth} nested objects/arrays)`);
      }
    } else if (c === 125 || c === 93) depth--;
  }
}

/** Runs on text JSON.parse accepted, so the token structure is known to be valid. */
function checkDuplicateKeys(text: string, opts: StrictJsonOptions): void {
  // one entry per open container: the keys seen so far (objects) or null (arrays)
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const end = stringEnd(text, i);
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(i, end)) as string; // decodes escapes: "\u0061" is "a"
        if (keys.has(key)) {
          throw opts.error(`${opts.where}: key ${JSON.stringify(key)} appears twice in one object at ${position(text, i)} ` +
            "(JSON readers disagree on which value wins; remove one)");
        }
        keys.add(key);
      }
      expectKey = false;
      i = end - 1;
    } else if (c === 123) { stack.push(new Set()); expectKey = true; }
    else if (c === 91) { stack.push(null); expectKey = false; }
    else if (c === 125 || c === 93) { stack.pop(); expectKey = false; }
    else if (c === 44) expectKey = stack[stack.length - 1] !== null && stack.length > 0; // ','
  }
}
