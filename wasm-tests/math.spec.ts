import { exp_f32, exp_v } from "../assembly/math/exp";
import { log_f32, log_v, log1p_f32, log1p_v } from "../assembly/math/log";
import { sigmoid_f32, sigmoid_v, dsigmoid_f32, dsigmoid_v } from "../assembly/math/sigmoid";
import { tanh_f32, tanh_v } from "../assembly/math/tanh";
import { softplus_f32, softplus_v } from "../assembly/math/softplus";

// Grid of inputs from -120 to 120 plus a few exact points; every lane of the f32x4 twin must
// equal the scalar result bit for bit.
function grid(i: i32): f32 {
  return <f32>(-120.0 + <f64>i * 0.0371);
}
const N: i32 = 6471;

function lanesEqual(v: v128, a: f32, b: f32, c: f32, d: f32): bool {
  return reinterpret<i32>(f32x4.extract_lane(v, 0)) == reinterpret<i32>(a) &&
         reinterpret<i32>(f32x4.extract_lane(v, 1)) == reinterpret<i32>(b) &&
         reinterpret<i32>(f32x4.extract_lane(v, 2)) == reinterpret<i32>(c) &&
         reinterpret<i32>(f32x4.extract_lane(v, 3)) == reinterpret<i32>(d);
}

describe("math library", () => {
  test("exact points: exp(0) = 1, log(1) = 0, log1p(0) = 0, sigmoid(0) = 1/2, tanh(0) = 0, softplus(0) ~ ln 2", () => {
    expect<f32>(exp_f32(0)).toBe(1);
    expect<f32>(log_f32(1)).toBe(0);
    expect<f32>(log1p_f32(0)).toBe(0);
    expect<f32>(sigmoid_f32(0)).toBe(0.5);
    expect<f32>(dsigmoid_f32(0)).toBe(0.25);
    expect<f32>(tanh_f32(0)).toBe(0);
    expect<f32>(abs<f32>(softplus_f32(0) - <f32>0.6931472)).toBeLessThan(<f32>1e-7);
    expect<f32>(abs<f32>(log_f32(<f32>2) - <f32>0.6931472)).toBeLessThan(<f32>1e-7);
  });

  test("vector twins equal the scalar functions bit for bit on a grid over [-120, 120]", () => {
    let mismatches = 0;
    for (let i = 0; i + 4 <= N; i += 4) {
      const a = grid(i), b = grid(i + 1), c = grid(i + 2), d = grid(i + 3);
      const x = f32x4(a, b, c, d);
      if (!lanesEqual(exp_v(x), exp_f32(a), exp_f32(b), exp_f32(c), exp_f32(d))) mismatches++;
      if (!lanesEqual(sigmoid_v(x), sigmoid_f32(a), sigmoid_f32(b), sigmoid_f32(c), sigmoid_f32(d))) mismatches++;
      if (!lanesEqual(dsigmoid_v(x), dsigmoid_f32(a), dsigmoid_f32(b), dsigmoid_f32(c), dsigmoid_f32(d))) mismatches++;
      if (!lanesEqual(tanh_v(x), tanh_f32(a), tanh_f32(b), tanh_f32(c), tanh_f32(d))) mismatches++;
      if (!lanesEqual(softplus_v(x), softplus_f32(a), softplus_f32(b), softplus_f32(c), softplus_f32(d))) mismatches++;
      const p = f32x4.abs(x);
      const pa = abs<f32>(a), pb = abs<f32>(b), pc = abs<f32>(c), pd = abs<f32>(d);
      if (!lanesEqual(log_v(p), log_f32(pa), log_f32(pb), log_f32(pc), log_f32(pd))) mismatches++;
      if (!lanesEqual(log1p_v(p), log1p_f32(pa), log1p_f32(pb), log1p_f32(pc), log1p_f32(pd))) mismatches++;
    }
    expect<i32>(mismatches).toBe(0);
  });

  test("symmetries: tanh is odd exactly; sigmoid(x) + sigmoid(-x) = 1 and softplus(x) - softplus(-x) = x to 2 ulp", () => {
    for (let i = 0; i < N; i++) {
      const x = grid(i);
      expect<f32>(tanh_f32(-x)).toBe(-tanh_f32(x));
      expect<f32>(abs<f32>(sigmoid_f32(x) + sigmoid_f32(-x) - <f32>1)).toBeLessThanOrEqual(<f32>1.2e-7);
      expect<f32>(abs<f32>(softplus_f32(x) - softplus_f32(-x) - x)).toBeLessThanOrEqual(<f32>2.4e-7 * max<f32>(abs<f32>(x), 1));
    }
  });

  test("saturation: no NaN or infinity where the value is finite", () => {
    expect<f32>(sigmoid_f32(-1e4)).toBe(0);
    expect<f32>(sigmoid_f32(1e4)).toBe(1);
    expect<f32>(tanh_f32(1e4)).toBe(1);
    expect<f32>(tanh_f32(-1e4)).toBe(-1);
    expect<f32>(softplus_f32(1e4)).toBe(1e4);
    expect<f32>(softplus_f32(-1e4)).toBe(0);
    expect<f32>(dsigmoid_f32(1e4)).toBe(0);
    expect<f32>(exp_f32(-1e4)).toBe(0);
    expect<f32>(log1p_f32(<f32>3e38)).toBeGreaterThan(<f32>88);
  });
});
