import { relu_forward, swish_forward, softplus_forward } from "../assembly/nn/activation";
import { log_softmax_forward } from "../assembly/nn/softmax_nll";
import { adam_step } from "../assembly/optim/adam";
import { ema_update } from "../assembly/optim/ema";

function filled(n: i32, v: f32): usize {
  const p = heap.alloc(<usize>(n + 1) << 2);
  for (let i = 0; i <= n; i++) store<f32>(p + (<usize>i << 2), v);
  return p;
}
function at(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }

describe("layer kernels (exact cases)", () => {
  test("relu and softplus touch exactly n elements for every tail length", () => {
    for (let n = 0; n <= 9; n++) {
      const x = filled(n, -2), y = filled(n, 7);
      relu_forward(x, y, n);
      for (let i = 0; i < n; i++) expect<f32>(at(y, i)).toBe(0);
      expect<f32>(at(y, n)).toBe(7);
      softplus_forward(x, y, n);
      expect<f32>(at(y, n)).toBe(7);
    }
  });

  test("swish with beta = 0 is exactly x / 2", () => {
    const rows = 3, units = 5;
    const x = heap.alloc(<usize>(rows * units) << 2), y = heap.alloc(<usize>(rows * units) << 2);
    for (let i = 0; i < rows * units; i++) store<f32>(x + (<usize>i << 2), <f32>(i - 7) * <f32>0.25);
    const beta = filled(units, 0);
    swish_forward(x, beta, y, rows, units);
    for (let i = 0; i < rows * units; i++) expect<f32>(at(y, i)).toBe(at(x, i) * <f32>0.5);
  });

  test("log-softmax of equal logits is -log(classes) for classes = 1..9", () => {
    for (let c = 1; c <= 9; c++) {
      const z = filled(c, 3), out = filled(c, 0);
      log_softmax_forward(z, out, 1, c);
      for (let i = 0; i < c; i++) expect<f32>(abs<f32>(at(out, i) + <f32>Math.log(<f64>c))).toBeLessThanOrEqual(<f32>2.4e-7);
    }
  });

  test("Adam leaves parameters with zero gradient and zero moments unchanged", () => {
    const n = 7;
    const p = filled(n, 1.5), g = filled(n, 0), m = filled(n, 0), v = filled(n, 0);
    adam_step(p, g, m, v, n, 1e-3, 0.9, 0.999, 1e-8, 0, 0, 1);
    for (let i = 0; i < n; i++) expect<f32>(at(p, i)).toBe(1.5);
  });

  test("EMA with decay 0 copies the parameters, with decay 1 keeps the average", () => {
    const n = 6;
    const e = filled(n, 2), p = filled(n, -3);
    ema_update(e, p, n, 1);
    for (let i = 0; i < n; i++) expect<f32>(at(e, i)).toBe(2);
    ema_update(e, p, n, 0);
    for (let i = 0; i < n; i++) expect<f32>(at(e, i)).toBe(-3);
  });
});
