import { vec_dot, vec_sum, vec_axpy, vec_scale } from "../assembly/linalg/reduce";

function filled(n: i32, f: (i: i32) => f32): usize {
  const p = heap.alloc(<usize>n << 2);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), f(i));
  return p;
}

describe("reductions (exact on small integers, every tail length)", () => {
  test("vec_sum of 1..n equals n(n+1)/2 for n = 0..40", () => {
    for (let n = 0; n <= 40; n++) {
      const x = filled(n, (i: i32): f32 => <f32>(i + 1));
      expect<f32>(vec_sum(x, n)).toBe(<f32>(n * (n + 1) / 2));
    }
  });

  test("vec_dot of 1..n with itself equals n(n+1)(2n+1)/6 for n = 0..40", () => {
    for (let n = 0; n <= 40; n++) {
      const x = filled(n, (i: i32): f32 => <f32>(i + 1));
      expect<f32>(vec_dot(x, x, n)).toBe(<f32>(n * (n + 1) * (2 * n + 1) / 6));
    }
  });

  test("vec_axpy and vec_scale touch exactly n elements", () => {
    const n = 23;
    const x = filled(n + 1, (i: i32): f32 => <f32>i);
    const y = filled(n + 1, (i: i32): f32 => <f32>1);
    vec_axpy(2, x, y, n);
    for (let i = 0; i < n; i++) { const want: i32 = 1 + 2 * i; expect<f32>(load<f32>(y + (<usize>i << 2))).toBe(<f32>want); }
    expect<f32>(load<f32>(y + (<usize>n << 2))).toBe(1); // untouched past the end
    vec_scale(-0.5, y, n);
    for (let i = 0; i < n; i++) { const want: i32 = 1 + 2 * i; expect<f32>(load<f32>(y + (<usize>i << 2))).toBe(<f32>-0.5 * <f32>want); }
    expect<f32>(load<f32>(y + (<usize>n << 2))).toBe(1);
  });
});
