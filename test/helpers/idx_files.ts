// IDX files for tests, written independently of src/data/idx.ts: magic 0x0000080<ndims>, sizes as
// big-endian u32, then the unsigned-byte payload.
export function encodeIdx(dims: number[], payload: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + payload.length), dv = new DataView(out.buffer);
  dv.setUint32(0, 0x800 | dims.length);
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d));
  out.set(Array.from(payload), 4 + 4 * dims.length);
  return out;
}
