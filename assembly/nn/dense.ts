// Dense layer over a batch: y = x W + b, x: [rows x in], W: [in x out], b: [out], y: [rows x out].
// Backward (VJP): dx = dy W^T, dW (+)= x^T dy, db (+)= sum_r dy (row order).
import { gemm } from "../linalg/gemm";
import { add_row_vector, column_sums } from "./rows";

/** b == 0: no bias. */
export function dense_forward(x: usize, W: usize, b: usize, y: usize, rows: i32, nin: i32, nout: i32): void {
  gemm(0, 0, rows, nout, nin, 1, x, nin, W, nout, 0, y, nout);
  if (b) add_row_vector(y, b, rows, nout);
}

/**
 * accumulate != 0 adds into dW and db (gradient blocks summed over steps); dx is always
 * overwritten. dx == 0 or db == 0 skip that gradient.
 */
export function dense_backward(x: usize, W: usize, dy: usize, dx: usize, dW: usize, db: usize,
                               rows: i32, nin: i32, nout: i32, accumulate: i32): void {
  if (dx) gemm(0, 1, rows, nin, nout, 1, dy, nout, W, nout, 0, dx, nin);
  gemm(1, 0, nin, nout, rows, 1, x, nin, dy, nout, accumulate ? 1 : 0, dW, nout);
  if (db) column_sums(dy, db, rows, nout, accumulate);
}
