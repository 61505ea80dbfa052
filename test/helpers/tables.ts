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
