// The one WebAssembly binary of sdebnn. Every export is a flat function over pointers into
// linear memory (allocated by the arena); the host never sees AssemblyScript objects.
// Each module below owns one family of kernels; add new families with one line here.

/** Bumped whenever an export changes signature or meaning; the host refuses a mismatch. */
export const ABI_VERSION: i32 = 1;
export function abi_version(): i32 { return ABI_VERSION; }

export * from "./memory/arena";
export * from "./linalg/reduce";
export * from "./linalg/gemm";
export * from "./rng/philox";
export * from "./rng/normal";
export * from "./brownian/grid";
export * from "./brownian/tree";
