// `sdebnn train --help`: every data option of every kind, generated from the config schemas' doc
// strings (src/config/schema.ts schemaDoc), so the list cannot drift from what the configs accept.
import { KINDS, type KindName } from "../models/registry.js";
import { schemaDoc, type ObjectSchema } from "../config/schema.js";

/** Fields the loader fits from the training data (not options a user sets). */
const FITTED: Partial<Record<KindName, readonly string[]>> = { tabular: ["schema"] };

const HOW: Record<KindName, string> = {
  image: "image models (--preset mnist|cifar10|tiny, or a config of kind image): --set data.KEY=VALUE",
  tabular: "tabular models (--data FILE.csv, or --preset toy1d: data.dataset toy1d): the flags above or --set data.KEY=VALUE",
};

/** One help section per kind: "data.KEY: what it accepts (default) - doc". */
export function dataOptionSections(): { title: string; rows: [string, string][] }[] {
  return (Object.keys(KINDS) as KindName[]).map((k) => {
    const data = KINDS[k].schema.fields.data as ObjectSchema, hide = FITTED[k] ?? [];
    const rows = Object.keys(data.fields).filter((f) => !hide.includes(f)).flatMap((f) => schemaDoc(data.fields[f]!, ["data", f]))
      .map((line): [string, string] => { const at = line.indexOf(": "); return [line.slice(0, at), line.slice(at + 2)]; });
    return { title: `data options of ${HOW[k]} (an option the chosen data source does not read is an error):`, rows };
  });
}
