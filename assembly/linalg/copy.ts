// Short-row copy for the kernels (internal: assembly/index.ts does not re-export this file).
/** dst[0..n) = src[0..n), non-overlapping: an inline f32x4 loop for the short rows of the conv
 *  kernels (memory.copy costs a runtime call in V8). */
// @ts-ignore: decorator
@inline export function copy_f32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}
