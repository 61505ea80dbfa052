// Field-by-field overrides: `--set a.b.c=value` (array items by index: `--set layers.2.width=8`),
// the value coerced by the schema at that path; then the whole config is validated.
import { ConfigError } from "../runtime/errors.js";
import {
  FORBIDDEN_KEYS, checkKey, cloneJson, describe, joinPath, validate, type Infer, type Schema,
} from "./schema.js";
import { MAX_CONFIG_DEPTH, parseJsonStrict } from "./strict_json.js";

export interface SetArg { path: string[]; raw: string; text: string }

/** Splits "a.b.c=value" into its path and raw value. */
export function parseSetArg(text: string): SetArg {
  if (typeof text !== "string") throw new ConfigError(`--set expects key=value, got ${typeof text}`);
  const eq = text.indexOf("=");
  if (eq <= 0) throw new ConfigError(`--set ${JSON.stringify(text)}: expected key=value (for example model.width=32)`);
  const key = text.slice(0, eq).trim();
  const path = key.split(".");
  if (path.some((p) => p === "")) throw new ConfigError(`--set ${JSON.stringify(text)}: key '${key}' has an empty path segment`);
  for (const p of path) {
    if (FORBIDDEN_KEYS.has(p)) throw new ConfigError(`--set ${JSON.stringify(text)}: the key '${p}' is not allowed (it could modify object prototypes)`);
  }
  return { path, raw: text.slice(eq + 1), text };
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A JSON --set value: depth-bounded, duplicate keys refused. */
function jsonValue(text: string, where: string): unknown {
  return parseJsonStrict(text, { where, maxDepth: MAX_CONFIG_DEPTH, error: (m) => new ConfigError(m) });
}

/** Converts the text of a --set value to the type `schema` wants. */
export function coerce(schema: Schema, raw: string, where: string): unknown {
  const bad = (why = ""): never => {
    throw new ConfigError(`${where}: expected ${describe(schema)}, got ${JSON.stringify(raw)}${why}`);
  };
  switch (schema.kind) {
    case "number": {
      const t = raw.trim();
      if (!NUMBER.test(t)) bad();
      return Number(t);
    }
    case "boolean": {
      const t = raw.trim().toLowerCase();
      if (t === "true" || t === "1" || t === "yes") return true;
      if (t === "false" || t === "0" || t === "no") return false;
      return bad();
    }
    case "string":
    case "enum":
      return raw;
    case "array": {
      const t = raw.trim();
      if (t.startsWith("[")) return jsonValue(t, where);
      if (t === "") return [];
      return t.split(",").map((part) => coerce(schema.items, part.trim(), where));
    }
    case "object": {
      const t = raw.trim();
      if (!t.startsWith("{")) bad(" (give a JSON object)");
      return jsonValue(t, where);
    }
  }
}

/** Applies one override to a raw (unvalidated) config tree in place. */
function applyOne(schema: Schema, root: Record<string, unknown>, set: SetArg): void {
  const where = `--set ${set.path.join(".")}`;
  let sch: Schema = schema;
  let node: unknown = root;
  const done: (string | number)[] = [];
  for (let d = 0; d < set.path.length; d++) {
    const seg = set.path[d]!;
    const last = d === set.path.length - 1;
    let key: string | number;
    let child: Schema;
    if (sch.kind === "object") {
      checkKey(seg, sch.fields, done);
      key = seg;
      child = sch.fields[seg]!;
    } else if (sch.kind === "array") {
      if (!/^(0|[1-9]\d{0,8})$/.test(seg)) {
        throw new ConfigError(`${where}: '${joinPath(done)}' is an array: expected an item index, got '${seg}'`);
      }
      key = Number(seg);
      child = sch.items;
      const len = (node as unknown[]).length;
      if (key > len) throw new ConfigError(`${where}: index ${key} of '${joinPath(done)}' is out of range: expected <= ${len} (the current length)`);
    } else {
      throw new ConfigError(`${where}: '${joinPath(done)}' is ${describe(sch)}, it has no field '${seg}'`);
    }
    const container = node as Record<string | number, unknown>;
    done.push(key);
    if (last) {
      container[key] = coerce(child, set.raw, `${where}=${set.raw.length > 40 ? set.raw.slice(0, 40) + "..." : set.raw}`);
      return;
    }
    let next = container[key];
    if (next === undefined) {
      next = child.default !== undefined ? cloneJson(child.default, done) : child.kind === "array" ? [] : {};
      container[key] = next;
    }
    const ok = child.kind === "array" ? Array.isArray(next) : next !== null && typeof next === "object" && !Array.isArray(next);
    if (!ok) throw new ConfigError(`${where}: '${joinPath(done)}' must be ${describe(child)} to set a field inside it, got ${JSON.stringify(next)}`);
    sch = child;
    node = next;
  }
}

/**
 * The effective configuration: `base` (a parsed JSON config, or nothing for all defaults) with
 * each `key=value` override applied, then validated against `schema` with defaults filled in.
 */
export function resolveConfig<S extends Schema>(schema: S, base?: unknown, sets: readonly string[] = []): Infer<S> {
  const tree = cloneJson(base === undefined ? {} : base);
  if (sets.length > 0 && (tree === null || typeof tree !== "object" || Array.isArray(tree))) {
    throw new ConfigError(`config: expected an object to apply --set to, got ${JSON.stringify(tree)}`);
  }
  for (const text of sets) applyOne(schema, tree as Record<string, unknown>, parseSetArg(text));
  return validate(schema, tree);
}

/**
 * Parses config text (JSON) into a raw tree; ConfigError on syntax errors, duplicate keys and
 * nesting deeper than MAX_CONFIG_DEPTH, naming the file (and line, column).
 */
export function parseConfigJson(text: string, name = "config"): unknown {
  return parseJsonStrict(text, { where: name, maxDepth: MAX_CONFIG_DEPTH, error: (m) => new ConfigError(m) });
}
