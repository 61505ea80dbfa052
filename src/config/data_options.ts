// Data options a config sets but its data source does not read are a ConfigError, not silence
// (`--set data.dir=X` with the synthetic images would otherwise train on the synthetic set).
// "Set" means: present and different from the field's default (an optional field: present).
import { ConfigError } from "../runtime/errors.js";
import type { ObjectSchema } from "./schema.js";

export interface DataOptionsUse {
  /** The data.* fields the config's data source reads. */
  used: readonly string[];
  /** Who ignores the others, for the message: `data.dataset "synthetic"`. */
  by: string;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** ConfigError naming the first data option that is set but not read. */
export function refuseIgnoredDataOptions(dataSchema: ObjectSchema, data: Record<string, unknown>, use: DataOptionsUse): void {
  for (const [key, field] of Object.entries(dataSchema.fields)) {
    if (use.used.includes(key) || data[key] === undefined) continue;
    if (field.default !== undefined && same(data[key], field.default)) continue;
    throw new ConfigError(`config field 'data.${key}': set to ${JSON.stringify(data[key])}, but ${use.by} does not read it ` +
      `(it reads ${use.used.map((k) => `data.${k}`).join(", ")}): remove it or choose a data source that uses it`);
  }
}
