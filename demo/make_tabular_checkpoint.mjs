// Trains the small tabular checkpoint the edge example serves for tables (demo/houses-small.safetensors):
// a generated house-price table (size in m^2, rooms, area north/south/east, price in thousands)
// whose noise grows with the size, fitted with the heteroscedastic head; the CSV is written next
// to it (demo/houses.csv) so the rows and the columns can be seen.
//   node scripts/build.mjs && node demo/make_tabular_checkpoint.mjs
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { init, train } from "../dist/node.js";
import { sha256Hex } from "../dist/advanced.js";

// a fixed-seed generator (xorshift32 and the sum of 12 uniforms for roughly normal noise)
let state = 2463534242;
const uniform = () => { state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0; return state / 2 ** 32; };
const normal = () => { let s = -6; for (let k = 0; k < 12; k++) s += uniform(); return s; };
const AREAS = ["north", "south", "east"];
const lines = ["size,rooms,area,price"];
for (let i = 0; i < 400; i++) {
  const size = 40 + Math.round(110 * uniform()), rooms = 1 + Math.min(4, Math.floor(size / 30)), area = AREAS[i % 3];
  const price = 50 + 2.5 * size + 10 * rooms + (area === "south" ? 60 : area === "east" ? -20 : 0) + (0.1 * size) * normal();
  lines.push(`${size},${rooms},${area},${price.toFixed(1)}`);
}
const csv = fileURLToPath(new URL("./houses.csv", import.meta.url));
writeFileSync(csv, lines.join("\n") + "\n");
const rt = await init();
const model = await train(rt, { kind: "tabular", seed: 1, data: { file: csv, target: "price" } }, {
  overrides: { "model.likelihood": "heteroscedastic", "model.width": 16, "model.nnHidden": 8, "model.steps": 4, "model.sigma": 0.05,
    "train.epochs": 80, "train.lr": 1e-2, "eval.samples": 8 },
});
const bytes = await model.save();
const url = new URL("./houses-small.safetensors", import.meta.url);
writeFileSync(url, bytes);
const p = model.predict([{ size: 50, rooms: 2, area: "north" }, { size: 140, rooms: 5, area: "south" }]);
console.log(JSON.stringify({ file: url.pathname, bytes: bytes.length, sha256: await sha256Hex(bytes), updates: model.step,
  mean: Array.from(p.mean), aleatoricStd: Array.from(p.aleatoricStd) }));
