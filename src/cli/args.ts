// A dependency-free parser for `sdebnn <command> [flags] [positionals]`: typed flags
// (--flag value, --flag=value, -f value, booleans, --no-flag, repeatable flags), `--` ends
// flags, generated --help text. Usage errors are UsageError (exit code 2).
import { SdebnnError } from "../runtime/errors.js";
import { closest } from "../config/suggest.js";

/** The command line was malformed; the CLI prints the message and exits with status 2. */
export class UsageError extends SdebnnError {
  readonly exitCode = 2;
  constructor(message: string, readonly command?: string) { super("E_USAGE", message); }
}

export type FlagType = "string" | "number" | "integer" | "boolean";

export interface FlagSpec {
  type: FlagType;
  /** One-letter alias, e.g. "o" for -o. */
  short?: string;
  /** Repeatable: the value is an array of every occurrence (e.g. --set). */
  multiple?: boolean;
  required?: boolean;
  default?: string | number | boolean;
  /** Allowed values (string flags). */
  choices?: readonly string[];
  /** Placeholder in help, e.g. "DIR". */
  valueName?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  /** Names of positional arguments, for help; a trailing "..." marks a variadic one. */
  positionals?: { name: string; description: string; required?: boolean; variadic?: boolean }[];
  examples?: string[];
  /** Further help sections (title, then rows of name and description), e.g. generated from a schema. */
  sections?: () => { title: string; rows: [string, string][] }[];
}

export interface ProgramSpec {
  name: string;
  summary: string;
  commands: CommandSpec[];
  /** Flags accepted by every command (e.g. --json). */
  globalFlags?: Record<string, FlagSpec>;
}

export type FlagValue = string | number | boolean | (string | number | boolean)[];

export type ParseResult =
  | { kind: "help"; command?: string; text: string }
  | { kind: "command"; command: string; flags: Record<string, FlagValue | undefined>; positionals: string[] };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function convert(flag: string, spec: FlagSpec, raw: string, cmd: string): string | number {
  if (spec.type === "number" || spec.type === "integer") {
    const v = Number(raw.trim());
    if (!NUMBER.test(raw.trim()) || !Number.isFinite(v)) throw new UsageError(`--${flag}: expected a number, got ${JSON.stringify(raw)}`, cmd);
    if (spec.type === "integer" && !Number.isSafeInteger(v)) throw new UsageError(`--${flag}: expected an integer, got ${JSON.stringify(raw)}`, cmd);
    return v;
  }
  if (spec.choices && !spec.choices.includes(raw)) {
    const guess = closest(raw, spec.choices);
    throw new UsageError(`--${flag}: expected one of ${spec.choices.join(", ")}, got ${JSON.stringify(raw)}` +
      (guess ? `; did you mean '${guess}'?` : ""), cmd);
  }
  return raw;
}

/** Parses argv (without the node and script paths). */
export function parseArgs(program: ProgramSpec, argv: readonly string[]): ParseResult {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    const sub = argv[0] === "help" ? argv[1] : undefined;
    if (sub !== undefined) {
      const c = program.commands.find((x) => x.name === sub);
      if (!c) throw unknownCommand(program, sub);
      return { kind: "help", command: sub, text: commandHelp(program, c) };
    }
    return { kind: "help", text: programHelp(program) };
  }
  const name = argv[0]!;
  const cmd = program.commands.find((c) => c.name === name);
  if (!cmd) throw unknownCommand(program, name);
  const specs: Record<string, FlagSpec> = { ...program.globalFlags, ...cmd.flags };
  const byShort = new Map<string, string>();
  for (const [k, f] of Object.entries(specs)) if (f.short) byShort.set(f.short, k);
  const flags: Record<string, FlagValue | undefined> = Object.create(null) as Record<string, FlagValue | undefined>;
  const positionals: string[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") { positionals.push(...argv.slice(i + 1)); break; }
    if (a === "--help" || a === "-h") return { kind: "help", command: cmd.name, text: commandHelp(program, cmd) };
    let key: string | undefined;
    let inline: string | undefined;
    let negated = false;
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      key = eq < 0 ? a.slice(2) : a.slice(2, eq);
      inline = eq < 0 ? undefined : a.slice(eq + 1);
      if (!Object.prototype.hasOwnProperty.call(specs, key) && key.startsWith("no-") &&
          specs[key.slice(3)]?.type === "boolean" && inline === undefined) {
        key = key.slice(3);
        negated = true;
      }
    } else if (/^-[A-Za-z]$/.test(a)) {
      key = byShort.get(a[1]!);
      if (key === undefined) throw new UsageError(`${cmd.name}: unknown option '${a}' (try 'sdebnn ${cmd.name} --help')`, cmd.name);
    } else if (a.startsWith("-") && a.length > 1 && !NUMBER.test(a)) {
      throw new UsageError(`${cmd.name}: unknown option '${a}' (long options start with '--')`, cmd.name);
    } else {
      positionals.push(a);
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(specs, key)) {
      const guess = closest(key, Object.keys(specs));
      throw new UsageError(`${cmd.name}: unknown option '--${key}'` +
        (guess ? `; did you mean '--${guess}'?` : ` (try 'sdebnn ${cmd.name} --help')`), cmd.name);
    }
    const spec = specs[key]!;
    let value: string | number | boolean;
    if (spec.type === "boolean") {
      if (inline === undefined) value = !negated;
      else if (inline === "true" || inline === "1") value = true;
      else if (inline === "false" || inline === "0") value = false;
      else throw new UsageError(`--${key}: expected true or false, got ${JSON.stringify(inline)}`, cmd.name);
    } else {
      let raw = inline;
      if (raw === undefined) {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith("-") && next.length > 1 && !NUMBER.test(next))) {
          throw new UsageError(`--${key}: expected a value (${spec.valueName ?? spec.type})`, cmd.name);
        }
        raw = next;
        i++;
      }
      value = convert(key, spec, raw, cmd.name);
    }
    if (spec.multiple) {
      const list = (flags[key] as (string | number | boolean)[] | undefined) ?? [];
      list.push(value);
      flags[key] = list;
    } else {
      if (seen.has(key)) throw new UsageError(`--${key} given more than once`, cmd.name);
      flags[key] = value;
    }
    seen.add(key);
  }
  for (const [k, spec] of Object.entries(specs)) {
    if (flags[k] !== undefined) continue;
    if (spec.required) throw new UsageError(`${cmd.name}: missing required option --${k} (${spec.description})`, cmd.name);
    flags[k] = spec.multiple ? [] : spec.default ?? (spec.type === "boolean" ? false : undefined);
  }
  const pos = cmd.positionals ?? [];
  const variadic = pos.some((p) => p.variadic);
  const need = pos.filter((p) => p.required).length;
  if (positionals.length < need) {
    throw new UsageError(`${cmd.name}: missing argument <${pos[positionals.length]!.name}>`, cmd.name);
  }
  if (!variadic && positionals.length > pos.length) {
    throw new UsageError(`${cmd.name}: unexpected argument ${JSON.stringify(positionals[pos.length])}` +
      (pos.length === 0 ? " (this command takes no positional arguments)" : ""), cmd.name);
  }
  return { kind: "command", command: cmd.name, flags, positionals };
}

function unknownCommand(program: ProgramSpec, name: string): UsageError {
  const guess = closest(name, program.commands.map((c) => c.name));
  return new UsageError(`unknown command '${name}'` + (guess ? `; did you mean '${guess}'?` : "") +
    ` (commands: ${program.commands.map((c) => c.name).join(", ")}; try '${program.name} --help')`);
}

function flagLabel(name: string, f: FlagSpec): string {
  const short = f.short ? `-${f.short}, ` : "    ";
  const value = f.type === "boolean" ? "" : ` ${f.valueName ?? (f.choices ? f.choices.join("|") : f.type.toUpperCase())}`;
  return `${short}--${name}${value}`;
}

function wrap(text: string, indent: number, width: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + 1 + w.length > width - indent) { lines.push(line); line = w; }
    else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join("\n" + " ".repeat(indent));
}

function table(rows: [string, string][], width: number): string {
  const left = Math.min(32, Math.max(...rows.map((r) => r[0].length)) + 2);
  return rows.map(([a, b]) => {
    const pad = a.length + 2 > left ? `${a}\n${" ".repeat(left + 2)}` : `${a}${" ".repeat(left - a.length)}`;
    return `  ${pad}${wrap(b, left + 2, width)}`;
  }).join("\n");
}

/** Help for one command: usage line, arguments, options (with defaults), examples. */
export function commandHelp(program: ProgramSpec, cmd: CommandSpec, width = 80): string {
  const pos = (cmd.positionals ?? []).map((p) => {
    const n = `<${p.name}>${p.variadic ? "..." : ""}`;
    return p.required ? n : `[${n}]`;
  });
  const out = [`usage: ${program.name} ${cmd.name} [options]${pos.length ? " " + pos.join(" ") : ""}`, "", wrap(cmd.summary, 0, width)];
  if (cmd.positionals?.length) {
    out.push("", "arguments:", table(cmd.positionals.map((p) => [`<${p.name}>`, p.description]), width));
  }
  const all = { ...cmd.flags, ...program.globalFlags };
  const rows: [string, string][] = Object.entries(all).map(([k, f]) => {
    const extra = [f.required ? "required" : "", f.multiple ? "repeatable" : "",
      f.default !== undefined ? `default: ${String(f.default)}` : ""].filter(Boolean).join("; ");
    return [flagLabel(k, f), extra ? `${f.description} (${extra})` : f.description];
  });
  rows.push(["-h, --help", "show this help"]);
  out.push("", "options:", table(rows, width));
  for (const s of cmd.sections?.() ?? []) out.push("", s.title, table(s.rows, width));
  if (cmd.examples?.length) out.push("", "examples:", ...cmd.examples.map((e) => `  ${e}`));
  return out.join("\n") + "\n";
}

/** Help for the program: one line per command. */
export function programHelp(program: ProgramSpec, width = 80): string {
  return [`usage: ${program.name} <command> [options]`, "", wrap(program.summary, 0, width), "", "commands:",
    table(program.commands.map((c) => [c.name, c.summary]), width), "",
    `Run '${program.name} <command> --help' for the options of a command.`].join("\n") + "\n";
}
