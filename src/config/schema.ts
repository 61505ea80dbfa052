// A small schema language for plain-JSON configs: numbers (range, integer), enums, strings,
// booleans, nested objects and arrays, with defaults. `validate` returns a fresh object with
// defaults filled in; every error is a ConfigError naming the full field path, expected and got.
import { ConfigError } from "../runtime/errors.js";
import { closest } from "./suggest.js";
import { MAX_CONFIG_DEPTH } from "./strict_json.js";

interface Base<T> {
  /** Used when the field is absent. */
  default?: T;
  /** The field may be absent (and has no default): the value is then undefined. */
  optional?: boolean;
  /** One line for generated help. */
  doc?: string;
}
export interface NumberSchema extends Base<number> { kind: "number"; min?: number; max?: number; integer?: boolean }
export interface StringSchema extends Base<string> { kind: "string"; minLength?: number; maxLength?: number }
export interface EnumSchema<T extends string = string> extends Base<T> { kind: "enum"; values: readonly T[] }
export interface BooleanSchema extends Base<boolean> { kind: "boolean" }
export interface ObjectSchema<F extends Record<string, Schema> = Record<string, Schema>> extends Base<never> {
  kind: "object"; fields: F;
}
export interface ArraySchema<I extends Schema = Schema> extends Base<Infer<I>[]> {
  kind: "array"; items: I; minLength?: number; maxLength?: number;
}
export type Schema = NumberSchema | StringSchema | EnumSchema | BooleanSchema | ObjectSchema | ArraySchema;

/** The TypeScript type of a value that passed `validate(schema, ...)`. */
export type Infer<S> =
  S extends NumberSchema ? number :
  S extends EnumSchema<infer T> ? T :
  S extends StringSchema ? string :
  S extends BooleanSchema ? boolean :
  S extends ArraySchema<infer I> ? Infer<I>[] :
  S extends ObjectSchema<infer F> ? { [K in keyof F]: Infer<F[K]> } :
  never;

/** Keys that could reach an object's prototype: refused everywhere. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Schema builders. */
export const s = {
  number: (o: Omit<NumberSchema, "kind"> = {}): NumberSchema => ({ kind: "number", ...o }),
  integer: (o: Omit<NumberSchema, "kind" | "integer"> = {}): NumberSchema => ({ kind: "number", integer: true, ...o }),
  string: (o: Omit<StringSchema, "kind"> = {}): StringSchema => ({ kind: "string", ...o }),
  enum: <const T extends string>(values: readonly T[], o: Omit<EnumSchema<T>, "kind" | "values"> = {}): EnumSchema<T> =>
    ({ kind: "enum", values, ...o }),
  boolean: (o: Omit<BooleanSchema, "kind"> = {}): BooleanSchema => ({ kind: "boolean", ...o }),
  object: <F extends Record<string, Schema>>(fields: F, o: Omit<ObjectSchema<F>, "kind" | "fields" | "default"> = {}): ObjectSchema<F> => {
    for (const k of Object.keys(fields)) {
      if (FORBIDDEN_KEYS.has(k)) throw new ConfigError(`schema field name '${k}' is not allowed`);
    }
    return { kind: "object", fields, ...o };
  },
  array: <I extends Schema>(items: I, o: Omit<ArraySchema<I>, "kind" | "items"> = {}): ArraySchema<I> =>
    ({ kind: "array", items, ...o }),
};

/** "model.blocks[2].width", or "config" for the root. */
export function joinPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? p : `.${p}`;
  return out === "" ? "config" : out;
}

/** A short rendering of any value for messages. */
export function showValue(v: unknown): string {
  if (v === undefined) return "nothing (missing)";
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "..." : v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return `a ${typeof v}`;
}

/** What a schema accepts, in words. */
export function describe(schema: Schema): string {
  switch (schema.kind) {
    case "number": {
      const what = schema.integer ? "an integer" : "a finite number";
      const lo = schema.min !== undefined ? schema.min : undefined;
      const hi = schema.max !== undefined ? schema.max : undefined;
      if (lo !== undefined && hi !== undefined) return `${what} in [${lo}, ${hi}]`;
      if (lo !== undefined) return `${what} >= ${lo}`;
      if (hi !== undefined) return `${what} <= ${hi}`;
      return what;
    }
    case "string": return "a string";
    case "enum": return `one of ${schema.values.map((v) => `'${v}'`).join(", ")}`;
    case "boolean": return "true or false";
    case "object": return "an object";
    case "array": {
      const n = schema.minLength !== undefined || schema.maxLength !== undefined
        ? ` with ${schema.minLength ?? 0}..${schema.maxLength ?? "any"} items` : "";
      return `an array${n} of ${describe(schema.items)}`;
    }
  }
}

function fail(path: readonly (string | number)[], schema: Schema, got: unknown, extra = ""): never {
  throw new ConfigError(`config field '${joinPath(path)}': expected ${describe(schema)}, got ${showValue(got)}${extra}`);
}

/** A JSON-style object: not null, not an array, prototype Object.prototype or null (what JSON.parse and strict_json build). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

/** Refuses prototype-reaching keys and suggests the closest valid name for unknown ones. */
export function checkKey(key: string, fields: Record<string, Schema>, path: readonly (string | number)[]): void {
  if (FORBIDDEN_KEYS.has(key)) {
    throw new ConfigError(`config field '${joinPath([...path, key])}': the key '${key}' is not allowed (it could modify object prototypes)`);
  }
  if (!Object.prototype.hasOwnProperty.call(fields, key)) {
    const names = Object.keys(fields);
    const guess = closest(key, names);
    throw new ConfigError(`config field '${joinPath([...path, key])}': unknown key` +
      (guess !== undefined ? `; did you mean '${guess}'?` : `; expected one of ${names.map((n) => `'${n}'`).join(", ") || "(none)"}`));
  }
}

/**
 * Validates `value` against `schema` and returns a fresh copy with defaults filled in.
 * Throws ConfigError naming the first offending field.
 */
export function validate<S extends Schema>(schema: S, value: unknown, path: readonly (string | number)[] = []): Infer<S> {
  return check(schema, value, path) as Infer<S>;
}

function check(schema: Schema, value: unknown, path: readonly (string | number)[]): unknown {
  if (value === undefined) {
    if (schema.default !== undefined) return check(schema, cloneJson(schema.default, path), path);
    if (schema.optional) return undefined;
    if (schema.kind === "object") return check(schema, {}, path);
    throw new ConfigError(`config field '${joinPath(path)}' is missing: expected ${describe(schema)}`);
  }
  switch (schema.kind) {
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) fail(path, schema, value);
      if (schema.integer && !Number.isSafeInteger(value)) fail(path, schema, value);
      if ((schema.min !== undefined && value < schema.min) || (schema.max !== undefined && value > schema.max)) fail(path, schema, value);
      return value;
    }
    case "string": {
      if (typeof value !== "string") fail(path, schema, value);
      if ((schema.minLength !== undefined && value.length < schema.minLength) || (schema.maxLength !== undefined && value.length > schema.maxLength)) {
        throw new ConfigError(`config field '${joinPath(path)}': expected a string of ${schema.minLength ?? 0}..${schema.maxLength ?? "any"} characters, got ${value.length} characters`);
      }
      return value;
    }
    case "enum": {
      if (typeof value !== "string") fail(path, schema, value);
      if (!schema.values.includes(value)) {
        const guess = closest(value, schema.values);
        fail(path, schema, value, guess !== undefined ? `; did you mean '${guess}'?` : "");
      }
      return value;
    }
    case "boolean":
      if (typeof value !== "boolean") fail(path, schema, value);
      return value;
    case "array": {
      if (!Array.isArray(value)) fail(path, schema, value);
      if ((schema.minLength !== undefined && value.length < schema.minLength) || (schema.maxLength !== undefined && value.length > schema.maxLength)) {
        fail(path, schema, value);
      }
      return value.map((item, i) => check(schema.items, item, [...path, i]));
    }
    case "object": {
      if (!isPlainObject(value)) fail(path, schema, value);
      for (const key of Object.keys(value)) checkKey(key, schema.fields, path);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(schema.fields)) {
        const v = check(schema.fields[key]!, value[key], [...path, key]);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
  }
}

/**
 * A deep copy of a JSON-like value. Prototype-reaching keys are refused; other values pass
 * through unchanged for `validate` to judge.
 */
export function cloneJson(value: unknown, path: readonly (string | number)[] = []): unknown {
  if (path.length > MAX_CONFIG_DEPTH) {
    throw new ConfigError(`config field '${joinPath(path.slice(0, 4))}...': nested deeper than ${MAX_CONFIG_DEPTH} levels ` +
      `(expected at most ${MAX_CONFIG_DEPTH} nested objects/arrays)`);
  }
  if (Array.isArray(value)) return value.map((v, i) => cloneJson(v, [...path, i]));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new ConfigError(`config field '${joinPath([...path, key])}': the key '${key}' is not allowed (it could modify object prototypes)`);
      }
      out[key] = cloneJson(value[key], [...path, key]);
    }
    return out;
  }
  return value;
}

/** The configuration holding every default (fields without one must be optional). */
export function defaults<S extends Schema>(schema: S): Infer<S> {
  return validate(schema, undefined);
}

/** One help line per leaf field: "path  what (default: x)  doc". */
export function schemaDoc(schema: Schema, path: readonly (string | number)[] = []): string[] {
  if (schema.kind === "object") {
    return Object.keys(schema.fields).flatMap((k) => schemaDoc(schema.fields[k]!, [...path, k]));
  }
  const def = schema.default !== undefined ? ` (default: ${JSON.stringify(schema.default)})` : schema.optional ? " (optional)" : "";
  return [`${joinPath(path)}: ${describe(schema)}${def}${schema.doc ? ` - ${schema.doc}` : ""}`];
}
