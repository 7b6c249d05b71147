import type { LiteralSearch } from "./literal-search-type.js";

/**
 * The JavaScript Wu-Manber search, used where WebAssembly is not available (node --jitless) or the literals do
 * not fit the WebAssembly layout. Same algorithm and lanes as literal-search.wat; about 3× slower once optimized,
 * and it needs the optimizing compiler to warm up first.
 */

/** Below this many bytes a region is scanned in one lane. */
const LANE_MIN = 16 * 1024;

/** createJsLiteralSearch builds the search; undefined when no literal has 2 bytes or more. */
export function createJsLiteralSearch(literals: readonly string[]): LiteralSearch | undefined {
  const pats = [...new Set(literals)].map((s) => Buffer.from(s, "utf8")).filter((b) => b.length >= 2);
  if (pats.length === 0) return undefined;
  const m = Math.min(...pats.map((p) => p.length));
  const shift = new Uint8Array(65536).fill(Math.min(255, m - 1));
  const table: (Buffer[] | undefined)[] = new Array(65536);
  for (const p of pats) {
    for (let q = 2; q <= m; q++) {
      const block = (p[q - 2]! << 8) | p[q - 1]!;
      const s = m - q;
      if (s < shift[block]!) shift[block] = s;
    }
    const last = (p[m - 2]! << 8) | p[m - 1]!;
    (table[last] ??= []).push(p);
  }

  /** verify says whether a literal whose m-prefix ends with the block at i starts at i - m + 1. */
  const verify = (buf: Uint8Array, i: number, end: number): boolean => {
    const list = table[(buf[i - 1]! << 8) | buf[i]!];
    if (!list) return false;
    const ws = i - m + 1;
    for (const p of list) {
      if (ws + p.length > end) continue;
      let k = 0;
      while (k < p.length && buf[ws + k] === p[k]) k++;
      if (k === p.length) return true;
    }
    return false;
  };

  /** lane scans windows whose last byte index runs from i to below stop. */
  const lane = (buf: Uint8Array, i: number, stop: number, end: number, out: number[]): void => {
    while (i < stop) {
      const s = shift[(buf[i - 1]! << 8) | buf[i]!]!;
      if (s !== 0) {
        i += s;
        continue;
      }
      if (verify(buf, i, end)) out.push(i - m + 1);
      i++;
    }
  };

  const search: LiteralSearch = {
    findAll(buf, start, end, out) {
      const len = end - start;
      if (len < LANE_MIN) return lane(buf, start + m - 1, end, end, out);
      // Four lanes; lane k owns the windows that start in [sk, sk+1), so none is missed or seen twice.
      const q = Math.floor(len / 4);
      const s1 = start + q;
      const s2 = s1 + q;
      const s3 = s2 + q;
      const h0: number[] = [];
      const h1: number[] = [];
      const h2: number[] = [];
      const h3: number[] = [];
      let a = start + m - 1;
      let b = s1 + m - 1;
      let c = s2 + m - 1;
      let d = s3 + m - 1;
      const ea = s1 + m - 1;
      const eb = s2 + m - 1;
      const ec = s3 + m - 1;
      while (a < ea && b < eb && c < ec && d < end) {
        const sa = shift[(buf[a - 1]! << 8) | buf[a]!]!;
        const sb = shift[(buf[b - 1]! << 8) | buf[b]!]!;
        const sc = shift[(buf[c - 1]! << 8) | buf[c]!]!;
        const sd = shift[(buf[d - 1]! << 8) | buf[d]!]!;
        if (sa === 0) {
          if (verify(buf, a, end)) h0.push(a - m + 1);
          a++;
        } else a += sa;
        if (sb === 0) {
          if (verify(buf, b, end)) h1.push(b - m + 1);
          b++;
        } else b += sb;
        if (sc === 0) {
          if (verify(buf, c, end)) h2.push(c - m + 1);
          c++;
        } else c += sc;
        if (sd === 0) {
          if (verify(buf, d, end)) h3.push(d - m + 1);
          d++;
        } else d += sd;
      }
      lane(buf, a, ea, end, h0);
      lane(buf, b, eb, end, h1);
      lane(buf, c, ec, end, h2);
      lane(buf, d, end, end, h3);
      for (const h of [h0, h1, h2, h3]) for (const x of h) out.push(x);
    },
  };
  // Run every path once on a small sample (hits in each lane, the tails, the merge) before real data arrives:
  // with complete type feedback the optimizing compiler's first version of the loop is also its last, instead of
  // being thrown away (deoptimized) at the first hit and compiled again while megabytes go by in the interpreter.
  const sample = Buffer.from(
    `${pats.map((p) => `${p.toString("latin1")} x`).join("\n")}\n`.repeat(Math.ceil(LANE_MIN / 64)),
    "latin1",
  );
  search.findAll(sample, 0, sample.length, []);
  search.findAll(sample, 0, Math.min(sample.length, 256), []);
  return search;
}
