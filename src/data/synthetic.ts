import { ArgumentError } from "../runtime/errors.js";
import type { ImageSet } from "./dataset.js";
import { mix32 } from "./hash.js";

/**
 * A deterministic toy image set for tests and demos: class k is a bright bar at a class-specific
 * row (even k) or column (odd k) on a dim background, plus hashed pixel noise. Integer arithmetic
 * only, so every runtime produces the same bytes for a seed.
 */
export function syntheticImageSet(count: number, classes = 4, side = 8, seed = 0): ImageSet {
  for (const [k, v, lo] of [["count", count, 1], ["classes", classes, 2], ["side", side, 2]] as const) {
    if (!Number.isInteger(v) || v < lo) throw new ArgumentError(`syntheticImageSet: ${k} must be an integer >= ${lo}, got ${v}`);
  }
  const pixels = new Uint8Array(count * side * side), labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = mix32((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0) % classes;
    labels[n] = label;
    const line = Math.floor(label / 2) % side;
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        const noise = mix32((Math.imul(n, 0x85ebca6b) ^ Math.imul(i * side + j + 1, 0xc2b2ae35) ^ seed) >>> 0) & 63;
        const on = label % 2 === 0 ? i === line : j === line;
        pixels[(n * side + i) * side + j] = (on ? 180 : 20) + noise;
      }
    }
  }
  return { count, channels: 1, height: side, width: side, pixels, labels, numClasses: classes };
}
