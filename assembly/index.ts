// The one WebAssembly binary of sdebnn. Every export is a flat function over pointers into
// linear memory (allocated by the arena); the host never sees AssemblyScript objects.
// Each module below owns one family of kernels; add new families with one line here.

/** Bumped whenever an export changes signature or meaning; the host refuses a mismatch. */
export const ABI_VERSION: i32 = 1;
export function abi_version(): i32 { return ABI_VERSION; }

export * from "./memory/arena";
export * from "./linalg/reduce";
export * from "./linalg/gemm";
export * from "./sde/combine";
export * from "./sde/controller";
export * from "./math/map";
export * from "./nn/activation";
export * from "./nn/dense";
export * from "./nn/concat_squash";
export * from "./nn/bayes_dense";
export * from "./nn/softmax_nll";
export * from "./optim/adam";
export * from "./optim/ema";
export * from "./nn/regression_nll";
export * from "./data/toy1d";
export * from "./linalg/moments";
export * from "./optim/schedule";
export * from "./rng/philox";
export * from "./rng/normal";
export * from "./brownian/grid";
export * from "./brownian/tree";
export * from "./eval/metrics";
export * from "./eval/coverage";
export * from "./nn/conv2d";
export * from "./nn/conv_transpose2d";
export * from "./nn/reshape";
export { corrupt_images } from "./data/corrupt";
