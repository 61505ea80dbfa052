// The CPU this process runs on, for the golden bits' record (Node only).
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** The model name as /proc/cpuinfo gives it, with vendor, family, model and stepping (os.cpus() elsewhere). */
export function cpuModel() {
  let info = "";
  try { info = readFileSync("/proc/cpuinfo", "utf8"); } catch { /* not Linux */ }
  const field = (name) => new RegExp(`^${name}\\s*:\\s*(.+)$`, "m").exec(info)?.[1].trim();
  const name = field("model name") ?? cpus()[0]?.model ?? "unknown CPU";
  const id = ["vendor_id", "cpu family", "model", "stepping"].map((f) => [f, field(f)]).filter(([, v]) => v);
  return id.length ? `${name} (${id.map(([f, v]) => `${f} ${v}`).join(", ")})` : name;
}
