/**
 * LiteralSearch finds, in one pass over raw bytes, every place where one of several literals occurs.
 * It is Wu-Manber (the multi-literal skip search of agrep; GNU grep's kwset is a relative), with 3-byte blocks hashed
 * to 16 bits in WebAssembly (the 2-byte blocks of the JavaScript copy saturate with the hundred-odd cause literals):
 * a window of m bytes (m = the shortest literal) slides by the shift its last block allows, so most bytes are
 * never looked at. The loop's cost is the latency of one table lookup per step, so the region is cut into four
 * lanes scanned in the same loop: four independent chains that the CPU runs side by side.
 * It runs as WebAssembly (literal-search.wat), or as JavaScript where WebAssembly is not available.
 */
export interface LiteralSearch {
  /** findAll appends to `out`, ascending, the start of each occurrence that lies wholly inside buf[start, end). */
  findAll(buf: Uint8Array, start: number, end: number, out: number[]): void;
  /**
   * buffers gives two read buffers of `size` bytes that findAll scans without a copy, when it has such. One reader at a
   * time.
   */
  buffers?(size: number): [Buffer, Buffer] | undefined;
}
