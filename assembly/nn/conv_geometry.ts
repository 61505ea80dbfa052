// Output index ranges of a convolution's geometry, used by the time channel: for a
// kernel offset kk, the outputs i with 0 <= i s - pad + kk < size form one contiguous range.

/** First index i >= 0 with i s - pad + kk >= 0, clamped to [0, n]. */
// @ts-ignore: decorator
@inline export function firstValid(s: i32, pad: i32, kk: i32, n: i32): i32 {
  const d = pad - kk;
  return d <= 0 ? 0 : min(n, (d + s - 1) / s);
}

/** One past the last index i with i s - pad + kk < size, clamped to [0, n]. */
// @ts-ignore: decorator
@inline export function endValid(size: i32, s: i32, pad: i32, kk: i32, n: i32): i32 {
  const d = size - 1 + pad - kk;
  return d < 0 ? 0 : min(n, d / s + 1);
}
