// Generated CSV tables for the tabular tests (fixed-seed normals).
import { gaussianStream } from "./fine_brownian.js";

/** y = 2 a - b + 1.5 [c = "u"] + 0.1 eps; a, b standard normal; c in {u, v, w}. */
export function regressionCsv(n: number, seed = n): string {
  const g = gaussianStream(seed * 4 + 1);
  const lines = ["a,b,c,y"];
  for (let i = 0; i < n; i++) {
    const a = g(), b = g(), c = ["u", "v", "w"][i % 3]!;
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${c},${(2 * a - b + (c === "u" ? 1.5 : 0) + 0.1 * g()).toFixed(4)}`);
  }
  return lines.join("\n") + "\n";
}

/** y = a + s_c eps with a per-group noise std: s = 0.1 for c = "lo", 0.8 for c = "hi"; a standard normal. */
export const HETERO_STD = { lo: 0.1, hi: 0.8 } as const;
export function heteroCsv(n: number, seed = n): string {
  const g = gaussianStream(seed * 4 + 3);
  const lines = ["a,c,y"];
  for (let i = 0; i < n; i++) {
    const a = g(), c = i % 2 === 0 ? "lo" : "hi";
    lines.push(`${a.toFixed(4)},${c},${(a + HETERO_STD[c] * g()).toFixed(4)}`);
  }
  return lines.join("\n") + "\n";
}
