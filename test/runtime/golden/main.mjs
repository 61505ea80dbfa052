// Deno and Bun side of the cross-runtime golden test: prints one JSON line. Files are read with
// fetch of file: URLs, which both support (Deno with --allow-read).
import * as sdebnn from "../../../dist/advanced.js";
import { goldenRun, mnistFixture } from "./cases.mjs";

const read = async (path) => new Uint8Array(await (await fetch(new URL(path, import.meta.url))).arrayBuffer());
const bytes = await read("../../../dist/sdebnn.wasm");
const fixture = await read("../../../build/golden/mnist128.bin");
const golden = await goldenRun(sdebnn, bytes, { mnist: mnistFixture(fixture) });
// The default source (a file: URL next to the module) must work here too.
const rt = await sdebnn.init();
const x = rt.arena.f32From([1, 2, 3]);
golden.defaultInit = rt.wasm.vec_dot(x.ptr, x.ptr, 3);
golden.runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : `bun ${Bun.version}`;
console.log(JSON.stringify(golden));
