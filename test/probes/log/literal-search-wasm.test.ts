import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import wabtInit from "wabt";
import { describe, expect, it } from "vitest";
import { createWasmLiteralSearch, WASM_BASE64 } from "../../../src/probes/log/literal-search-wasm.js";

describe("literal-search.wat", () => {
  it("the embedded bytes are the assembled .wat source", async () => {
    const wabt = await wabtInit();
    const source = fs.readFileSync(path.resolve(__dirname, "../../../src/probes/log/literal-search.wat"), "utf8");
    const mod = wabt.parseWat("literal-search.wat", source);
    mod.resolveNames();
    mod.validate();
    const assembled = Buffer.from(mod.toBinary({}).buffer).toString("base64");
    // On a change to the .wat, paste this value into WASM_BASE64 in src/probes/log/literal-search-wasm.ts.
    expect(WASM_BASE64, `WASM_BASE64 should be:\n${assembled}`).toBe(assembled);
  });

  it("reads into its own memory and scans there without a copy", () => {
    const s = createWasmLiteralSearch(["needle", "Xid (PCI:"])!;
    const [a, b] = s.buffers!(1024)!;
    expect(a.length).toBe(1024);
    expect(b.byteOffset).toBe(a.byteOffset + 1024);
    const text = "x needle y\nNVRM: Xid (PCI:0000:2b:00): 79\n";
    a.write(text, 0, "latin1");
    const out: number[] = [];
    s.findAll(a, 0, text.length, out);
    expect(out).toEqual([2, 17]);
    expect(s.buffers!(64 << 20)).toBeUndefined();
  });

  it("in its own memory, across 256 KiB pieces and lanes, it agrees with a naive search", () => {
    const lits = ["CUDA out of memory", "Xid (PCI:", "abab"];
    const s = createWasmLiteralSearch(lits)!;
    const [a] = s.buffers!(4 << 20)!;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("xy", "z\n", "ab", ...lits), { minLength: 1000, maxLength: 300_000 }),
        fc.nat(7),
        (parts, skew) => {
          const text = Buffer.from(parts.join(""));
          text.copy(a, skew);
          const want: number[] = [];
          for (const l of lits) for (let i = text.indexOf(l); i >= 0; i = text.indexOf(l, i + 1)) want.push(i + skew);
          const got: number[] = [];
          s.findAll(a, skew, skew + text.length, got);
          expect(got).toEqual([...new Set(want)].sort((x, y) => x - y));
        },
      ),
      { numRuns: 25 },
    );
  });

  it("gives way to the JavaScript search when the literals do not fit its memory", () => {
    expect(createWasmLiteralSearch(["a".repeat(70_000)])).toBeUndefined();
    expect(createWasmLiteralSearch(Array.from({ length: 5000 }, (_, i) => `literal-${i}`))).toBeUndefined();
  });
});
