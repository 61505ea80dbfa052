// The 1D regression data of the paper's Fig. 2 (SPEC section 3): y = cos(x) + noise_std * eps,
// with AssemblyScript's own (deterministic) cosine; eps are standard normals from the caller.
export function toy1d_targets(x: usize, eps: usize, y: usize, n: i32, noiseStd: f64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, <f32>(Math.cos(<f64>load<f32>(x + o)) + noiseStd * <f64>load<f32>(eps + o)));
  }
}
