// Data movement between blocks (NCHW): channel zero-padding (the input encoding of SPEC section 2)
// and space-to-depth x2 (the "squeeze" between groups, PyTorch pixel_unshuffle order:
// out channel c*4 + dy*2 + dx holds in[c, 2i + dy, 2j + dx]). Both are permutations/injections,
// so their adjoints are the inverse moves.

/** y [B, Cout, HW] = x [B, Cin, HW] followed by zero channels (Cout >= Cin). */
export function pad_channels(x: usize, y: usize, B: i32, Cin: i32, Cout: i32, HW: i32): void {
  const inBytes = (<usize>Cin * <usize>HW) << 2, outBytes = (<usize>Cout * <usize>HW) << 2;
  for (let b = 0; b < B; b++) {
    const dst = y + <usize>b * outBytes;
    memory.copy(dst, x + <usize>b * inBytes, inBytes);
    memory.fill(dst + inBytes, 0, outBytes - inBytes);
  }
}

/** The adjoint of pad_channels: dx [B, Cin, HW] = the first Cin channels of dy [B, Cout, HW]. */
export function pad_channels_backward(dy: usize, dx: usize, B: i32, Cin: i32, Cout: i32, HW: i32): void {
  const inBytes = (<usize>Cin * <usize>HW) << 2, outBytes = (<usize>Cout * <usize>HW) << 2;
  for (let b = 0; b < B; b++) memory.copy(dx + <usize>b * inBytes, dy + <usize>b * outBytes, inBytes);
}

/** inverse == 0: y [B, 4C, H/2, W/2] = space_to_depth(x [B, C, H, W]); inverse != 0: the reverse move. */
export function space_to_depth(x: usize, y: usize, B: i32, C: i32, H: i32, W: i32, inverse: i32): void {
  const H2 = H >> 1, W2 = W >> 1;
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const src = x + ((<usize>(b * C + c) * <usize>H * <usize>W) << 2);
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const dst = y + ((<usize>((b * C + c) * 4 + dy * 2 + dx) * <usize>H2 * <usize>W2) << 2);
          for (let i = 0; i < H2; i++) {
            for (let j = 0; j < W2; j++) {
              const a = src + ((<usize>((2 * i + dy) * W + 2 * j + dx)) << 2);
              const d = dst + ((<usize>(i * W2 + j)) << 2);
              if (inverse) store<f32>(a, load<f32>(d));
              else store<f32>(d, load<f32>(a));
            }
          }
        }
      }
    }
  }
}
