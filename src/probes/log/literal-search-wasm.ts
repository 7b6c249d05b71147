import type { LiteralSearch } from "./literal-search-type.js";

/**
 * The Wu-Manber search of literal-search.wat, assembled (test/probes/log/literal-search-wasm.test.ts checks these bytes
 * against the .wat source). WebAssembly is compiled at once by the baseline compiler, so there is no slow warm-up,
 * and its memory accesses need no bounds checks: about 3× the JavaScript version's speed on a 1 GiB log.
 */
export const WASM_BASE64 =
  "AGFzbQEAAAABJARgAX8AYAN/f38Bf2AEf39/fwF/YA1/f39/f39/f39/f39/AAMFBAABAgMFAwEAAQYGAX8BQQILBxYDA21lbQIABHNldE0AAAVz" +
  "Y2FuNAADCvwEBAYAIAAkAAvCAQEHfyAAQQFrLwEAIABBAmstAABBBXRzQf//A3FBAnQoAoCABCEDIANFBEAgAg8LIANB//8DcSEEIAQgA0EQdmoh" +
  "BSAAIwBrQQFqIQYCQANAIAQgBU8NASAEQQN0KAKAgBQhByAEQQN0KAKEgBQhCCAEQQFqIQQgBiAIaiABSw0AQQAhCQJAA0AgCSAITwRAIAIgBjYC" +
  "ACACQQRqDwsgBiAJai0AACAHIAlqLQAARw0BIAlBAWohCQwACwsMAAsLIAILUQEBfwJAA0AgACABTw0BIABBAWsvAQAgAEECay0AAEEFdHNB//8D" +
  "cS0AACEEIAQEQCAAIARqIQAFIAAgAiADEAEhAyAAQQFqIQALDAALCyADC9wCAQF/AkADQCAAIAFPDQEgAiADTw0BIAQgBU8NASAGIAdPDQEgAEEB" +
  "ay8BACAAQQJrLQAAQQV0c0H//wNxLQAAIQ0gDQRAIAAgDWohAAUgACAIIAkQASEJIABBAWohAAsgAkEBay8BACACQQJrLQAAQQV0c0H//wNxLQAA" +
  "IQ0gDQRAIAIgDWohAgUgAiAIIAoQASEKIAJBAWohAgsgBEEBay8BACAEQQJrLQAAQQV0c0H//wNxLQAAIQ0gDQRAIAQgDWohBAUgBCAIIAsQASEL" +
  "IARBAWohBAsgBkEBay8BACAGQQJrLQAAQQV0c0H//wNxLQAAIQ0gDQRAIAYgDWohBgUgBiAIIAwQASEMIAZBAWohBgsMAAsLQYCAFiAAIAEgCCAJ" +
  "EAI2AgBBhIAWIAIgAyAIIAoQAjYCAEGIgBYgBCAFIAggCxACNgIAQYyAFiAGIAcgCCAMEAI2AgAL";

/** Memory layout; the first four constants are fixed in literal-search.wat. */
const HEADS = 65536;
const PATS = 327680;
const MAX_PATTERNS = (360448 - PATS) / 8;
const RESULTS = 360448;
const PATTERN_BYTES = 360464;
/** Window starts handled per scan4 call: each lane's hits fit its output area whatever the text. */
const SUB = 256 * 1024;
const OUT = 1 << 20;
const AREA = SUB + 1024;
const SCRATCH = OUT + 4 * AREA + 4096;
/** Bytes after a scratch piece, so that a literal starting in it can be verified. */
const OVERHANG = 64 * 1024;
const DATA = 2.5 * 1048576;
/** Room for the two read buffers. */
const DATA_BYTES = 2 * ((4 << 20) + (64 << 10));
const PAGE = 65536;

let compiled: WebAssembly.Module | undefined;

type Exports = { mem: WebAssembly.Memory; setM(m: number): void; scan4(...args: number[]): void };

/**
 * createWasmLiteralSearch builds the search in its own WebAssembly memory; undefined when it cannot (no WebAssembly,
 * too many literals).
 */
export function createWasmLiteralSearch(literals: readonly string[]): LiteralSearch | undefined {
  if (typeof WebAssembly !== "object") return undefined;
  const pats = [...new Set(literals)].map((s) => Buffer.from(s, "utf8")).filter((b) => b.length >= 2);
  if (pats.length === 0 || pats.length > MAX_PATTERNS) return undefined;
  const totalBytes = pats.reduce((n, p) => n + p.length, 0);
  const longest = Math.max(...pats.map((p) => p.length));
  if (PATTERN_BYTES + totalBytes > OUT || longest > OVERHANG) return undefined;
  const m = Math.min(...pats.map((p) => p.length));
  // Blocks are 3 bytes hashed to 16 bits (the hash in literal-search.wat); a 2-byte literal has no block: JS search.
  if (m < 3) return undefined;
  let ex: Exports;
  try {
    compiled ??= new WebAssembly.Module(Buffer.from(WASM_BASE64, "base64"));
    ex = new WebAssembly.Instance(compiled).exports as unknown as Exports;
    ex.mem.grow(Math.ceil((DATA + DATA_BYTES) / PAGE) - ex.mem.buffer.byteLength / PAGE);
  } catch {
    return undefined;
  }
  const mem = ex.mem.buffer;
  const u8 = new Uint8Array(mem);
  const dv = new DataView(mem);
  ex.setM(m);
  const block = (p: Buffer, q: number) => ((p[q - 2]! | (p[q - 1]! << 8)) ^ (p[q - 3]! << 5)) & 0xffff;
  u8.fill(Math.min(255, m - 2), 0, 65536);
  for (const p of pats) {
    for (let q = 3; q <= m; q++) {
      const b = block(p, q);
      if (m - q < u8[b]!) u8[b] = m - q;
    }
  }
  let at = PATTERN_BYTES;
  [...pats]
    .sort((x, y) => block(x, m) - block(y, m))
    .forEach((p, k) => {
      u8.set(p, at);
      dv.setUint32(PATS + k * 8, at, true);
      dv.setUint32(PATS + k * 8 + 4, p.length, true);
      at += p.length;
      const head = HEADS + block(p, m) * 4;
      const h = dv.getUint32(head, true);
      dv.setUint32(head, h === 0 ? (1 << 16) | k : h + (1 << 16), true);
    });

  /**
   * scan finds literals starting in [wsStart, wsEnd) and ending by dataEnd (memory addresses); hits go to out as
   * address - base.
   */
  const scan = (wsStart: number, wsEnd: number, dataEnd: number, base: number, out: number[]) => {
    for (let p = wsStart; p < wsEnd; p += SUB) {
      const re = Math.min(p + SUB, wsEnd);
      const q = Math.floor((re - p) / 4);
      const s1 = p + q;
      const s2 = s1 + q;
      const s3 = s2 + q;
      const stop = (s: number) => Math.min(s + m - 1, dataEnd);
      ex.scan4(
        p + m - 1,
        stop(s1),
        s1 + m - 1,
        stop(s2),
        s2 + m - 1,
        stop(s3),
        s3 + m - 1,
        stop(re),
        dataEnd,
        OUT,
        OUT + AREA,
        OUT + 2 * AREA,
        OUT + 3 * AREA,
      );
      for (let k = 0; k < 4; k++) {
        const endOut = dv.getUint32(RESULTS + 4 * k, true);
        for (let o = OUT + k * AREA; o < endOut; o += 4) out.push(dv.getUint32(o, true) - base);
      }
    }
  };

  return {
    findAll(buf, start, end, out) {
      if (end - start < m) return;
      if (buf.buffer === mem) {
        const base = buf.byteOffset;
        scan(base + start, base + end, base + end, base, out);
        return;
      }
      // Not in our memory: copy it through the scratch area piece by piece (tests, small buffers).
      for (let p = start; p < end; p += SUB) {
        const len = Math.min(end, p + SUB + OVERHANG) - p;
        u8.set(buf.subarray(p, p + len), SCRATCH);
        scan(SCRATCH, SCRATCH + Math.min(SUB, end - p), SCRATCH + len, SCRATCH - p, out);
      }
    },
    buffers(size) {
      if (2 * size > DATA_BYTES) return undefined;
      return [Buffer.from(mem, DATA, size), Buffer.from(mem, DATA + size, size)];
    },
  };
}
