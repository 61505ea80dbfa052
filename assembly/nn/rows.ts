// Row/column helpers over a row-major [rows x cols] matrix, shared by the layers.
// Column sums run over rows in order r = 0, 1, ... (fixed), f32x4 across columns.

// @ts-ignore: decorator
@inline export function P(base: usize, i: i32): usize { return base + (<usize>i << 2); }

/** y[r, :] += b for every row */
export function add_row_vector(y: usize, b: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const yr = P(y, r * cols);
    let c = 0;
    for (; c + 4 <= cols; c += 4) v128.store(P(yr, c), f32x4.add(v128.load(P(yr, c)), v128.load(P(b, c))));
    for (; c < cols; c++) store<f32>(P(yr, c), load<f32>(P(yr, c)) + load<f32>(P(b, c)));
  }
}

/** out[c] = (accumulate ? out[c] : 0) + sum_r m[r, c], summed in row order */
export function column_sums(m: usize, out: usize, rows: i32, cols: i32, accumulate: i32): void {
  if (!accumulate) memory.fill(out, 0, <usize>cols << 2);
  for (let r = 0; r < rows; r++) {
    const mr = P(m, r * cols);
    let c = 0;
    for (; c + 4 <= cols; c += 4) v128.store(P(out, c), f32x4.add(v128.load(P(out, c)), v128.load(P(mr, c))));
    for (; c < cols; c++) store<f32>(P(out, c), load<f32>(P(out, c)) + load<f32>(P(mr, c)));
  }
}
