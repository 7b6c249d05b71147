import { describe, expect, it } from "vitest";
import { stripControl, stripControlKeepColour } from "../src/text.js";

describe("stripControl", () => {
  it.each([
    // Sequences go whole: nothing of them is left to read as text.
    ["OSC title ended by BEL", "\u001b]0;pwned\u0007ok", "ok"],
    ["OSC ended by ST", "\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\", "link"],
    ["an unended OSC stops at the end of its line", "\u001b]0;title\nnext", "\nnext"],
    ["clear screen and colours", "\u001b[2J\u001b[1;31mred\u001b[0m", "red"],
    ["private CSI (hide cursor)", "a\u001b[?25lb", "ab"],
    ["two-byte ESC (reset terminal)", "a\u001bcb", "ab"],
    ["8-bit CSI", "a\u009b2Jb", "ab"],
    ["8-bit OSC ended by 8-bit ST", "a\u009d0;t\u009cb", "ab"],
    // Other controls become U+FFFD: visibly something was there.
    ["backspace, bell, NUL, DEL", "a\u0008\u0007\u0000\u007fb", "a\uFFFD\uFFFD\uFFFD\uFFFDb"],
    ["lone CR (overwrites the line)", "shown\rhidden", "shown\uFFFDhidden"],
    ["a lone ESC at the end", "a\u001b", "a\uFFFD"],
    // Kept: tab, newline; CRLF becomes LF; text in any script.
    ["tab, newline, CRLF", "a\tb\r\nc\n", "a\tb\nc\n"],
    ["non-ASCII text", "显存不足 ✓ é", "显存不足 ✓ é"],
  ])("%s", (_name, input, want) => expect(stripControl(input)).toBe(want));
});

describe("stripControlKeepColour", () => {
  it("keeps watchdog's own SGR colours and strips everything else", () => {
    const ours = "\u001b[31mCRITICAL\u001b[0m";
    expect(stripControlKeepColour(`${ours} \u001b]0;x\u0007\u001b[2Jsummary\u0008`)).toBe(`${ours} summary\uFFFD`);
  });

  it("leaves clean text as it is", () => {
    expect(stripControlKeepColour("plain\ttext\n")).toBe("plain\ttext\n");
  });
});
