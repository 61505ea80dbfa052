// f64 references of the three one-step methods on the cubic-drift SDE
//   dy = (-theta y - kappa y^3) dt + sigma dW   (P independent paths)
// over any grid of step times, driven by given per-step noise (dW and H, already rounded to f32 as
// the solver sees them). Used for finite-difference gradients of fixed and adaptive solves.

export interface CubicParams { theta: number; kappa: number; sigma: number; y0: Float64Array }
export interface StepNoiseF64 { dW: Float64Array[]; H: Float64Array[] }

/** y(T) of `method` over the steps [times[k], times[k+1]]. */
export function cubicReference(method: string, p: CubicParams, times: ArrayLike<number>, noise: StepNoiseF64): Float64Array {
  const f = (y: number) => -p.theta * y - p.kappa * y * y * y;
  const P = p.y0.length, S = p.sigma;
  const y = Float64Array.from(p.y0);
  const yh = Float64Array.from(p.y0);
  for (let k = 0; k + 1 < times.length; k++) {
    const dt = times[k + 1]! - times[k]!;
    for (let i = 0; i < P; i++) {
      const dW = noise.dW[k]![i]!, H = noise.H[k]![i]!;
      if (method === "euler") {
        y[i] = y[i]! + f(y[i]!) * dt + S * dW;
      } else if (method === "sra1") {
        const f1 = f(y[i]!);
        const h2 = y[i]! + 0.75 * dt * f1 + 1.5 * S * (H + dW / 2);
        y[i] = y[i]! + dt * (f1 / 3 + (2 * f(h2)) / 3) + S * dW;
      } else {
        const yhNew = 2 * y[i]! - yh[i]! + f(yh[i]!) * dt + S * dW;
        y[i] = y[i]! + 0.5 * (f(yh[i]!) + f(yhNew)) * dt + S * dW;
        yh[i] = yhNew;
      }
    }
  }
  return y;
}

/** Relative L2 distance |a - b| / |b|. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i]! - b[i]!) ** 2; den += b[i]! ** 2; }
  return Math.sqrt(num / den);
}

/**
 * Central finite differences (step eps) of L = sum_i c_i y_i(T) w.r.t. y0, theta and kappa, all
 * in f64 on the fixed grid `times`.
 */
export function cubicFiniteDifferences(method: string, base: CubicParams, c: Float64Array, times: ArrayLike<number>,
                                       noise: StepNoiseF64, eps = 1e-6): { y0: number[]; theta: number; kappa: number } {
  const L = (p: CubicParams) => {
    const yT = cubicReference(method, p, times, noise);
    let s = 0;
    for (let i = 0; i < yT.length; i++) s += c[i]! * yT[i]!;
    return s;
  };
  const y0 = Array.from(base.y0, (_, i) => {
    const up = Float64Array.from(base.y0), dn = Float64Array.from(base.y0);
    up[i] += eps; dn[i] -= eps;
    return (L({ ...base, y0: up }) - L({ ...base, y0: dn })) / (2 * eps);
  });
  const theta = (L({ ...base, theta: base.theta + eps }) - L({ ...base, theta: base.theta - eps })) / (2 * eps);
  const kappa = (L({ ...base, kappa: base.kappa + eps }) - L({ ...base, kappa: base.kappa - eps })) / (2 * eps);
  return { y0, theta, kappa };
}
