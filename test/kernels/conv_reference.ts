// The f64 reference convolution shared by the convolution tests: the time channel materialised as
// input channel 0 (value t everywhere), direct sums over (ci, ky, kx).
export interface Geo { B: number; Cin: number; H: number; W: number; Cout: number; k: number; s: number; pad: number; T: number; outPad?: number }
export const outSize = (g: Geo, transposed: boolean) => transposed
  ? [(g.H - 1) * g.s - 2 * g.pad + g.k + (g.outPad ?? 0), (g.W - 1) * g.s - 2 * g.pad + g.k + (g.outPad ?? 0)]
  : [Math.floor((g.H + 2 * g.pad - g.k) / g.s) + 1, Math.floor((g.W + 2 * g.pad - g.k) / g.s) + 1];

/** f64 reference with the time channel materialised as input channel 0 (value t everywhere). */
export function reference(g: Geo, transposed: boolean, x: number[], Wt: number[], b: number[], t: number): number[] {
  const [Ho, Wo] = outSize(g, transposed);
  const Ci = g.T + g.Cin, { k, s, pad } = g;
  const y = new Array(g.B * g.Cout * Ho * Wo).fill(0);
  const xin = (n: number, c: number, iy: number, ix: number) => (c < g.T ? t : x[((n * g.Cin + c - g.T) * g.H + iy) * g.W + ix]!);
  for (let n = 0; n < g.B; n++) {
    for (let co = 0; co < g.Cout; co++) for (let p = 0; p < Ho * Wo; p++) y[(n * g.Cout + co) * Ho * Wo + p] = b[co]!;
    for (let ci = 0; ci < Ci; ci++) for (let co = 0; co < g.Cout; co++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
      if (!transposed) {
        const w = Wt[((co * Ci + ci) * k + ky) * k + kx]!;
        for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
          const iy = oy * s - pad + ky, ix = ox * s - pad + kx;
          if (iy >= 0 && iy < g.H && ix >= 0 && ix < g.W) y[((n * g.Cout + co) * Ho + oy) * Wo + ox] += w * xin(n, ci, iy, ix);
        }
      } else {
        const w = Wt[((ci * g.Cout + co) * k + ky) * k + kx]!;
        for (let iy = 0; iy < g.H; iy++) for (let ix = 0; ix < g.W; ix++) {
          const oy = iy * s - pad + ky, ox = ix * s - pad + kx;
          if (oy >= 0 && oy < Ho && ox >= 0 && ox < Wo) y[((n * g.Cout + co) * Ho + oy) * Wo + ox] += w * xin(n, ci, iy, ix);
        }
      }
    }
  }
  return y;
}

