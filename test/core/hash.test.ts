import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hash64 } from "../../src/core/hash.js";

describe("hash64", () => {
  it("is 16 hex digits, the same for the same text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        expect(hash64(s)).toMatch(/^[0-9a-f]{16}$/);
        expect(hash64(s)).toBe(hash64(`${s}`));
      }),
    );
  });

  it("changes with any one changed, added or removed character, at any position and any length", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1 }),
        (s, at, c) => {
          const i = at % s.length;
          const changed = s.slice(0, i) + c + s.slice(i + 1);
          if (changed !== s) expect(hash64(changed)).not.toBe(hash64(s));
          expect(hash64(s.slice(0, i) + s.slice(i + 1))).not.toBe(hash64(s));
          expect(hash64(s + c)).not.toBe(hash64(s));
        },
      ),
    );
  });

  it("tells apart texts that differ only in their last bytes or in non-ASCII letters", () => {
    expect(hash64("abcdefg")).not.toBe(hash64("abcdefh"));
    expect(hash64("abcdefgh")).not.toBe(hash64("abcdefgh\0"));
    expect(hash64("告警")).not.toBe(hash64("告譬"));
    expect(hash64("")).not.toBe(hash64("\0"));
  });
});
