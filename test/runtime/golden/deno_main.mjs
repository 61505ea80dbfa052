// Deno side of the cross-runtime golden test: prints one JSON line.
import * as sdebnn from "../../../dist/index.js";
import { goldenRun, mnistFixture } from "./cases.mjs";

const bytes = await Deno.readFile(new URL("../../../dist/sdebnn.wasm", import.meta.url));
const fixture = await Deno.readFile(new URL("../../../build/golden/mnist128.bin", import.meta.url));
const golden = await goldenRun(sdebnn, bytes, { mnist: mnistFixture(fixture) });
// The default source (a file: URL next to the module) must work in Deno too.
const rt = await sdebnn.init();
const x = rt.arena.f32From([1, 2, 3]);
golden.defaultInit = rt.wasm.vec_dot(x.ptr, x.ptr, 3);
golden.runtime = `deno ${Deno.version.deno}`;
console.log(JSON.stringify(golden));
