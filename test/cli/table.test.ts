import { beforeAll, describe, expect, it, vi } from "vitest";
import { displayWidth, fold, loadWidths, paint, table } from "../../src/cli/table.js";

// The commands load string-width before they lay out text that is not ASCII; so do these tests.
beforeAll(() => loadWidths());

describe("table", () => {
  it("aligns columns whatever the colour codes and wide characters", () => {
    const out = table(
      ["CHECK", "STATUS", "SUMMARY"],
      [
        ["tts", paint("OK", "green", true), "fine"],
        ["语音合成", paint("CRITICAL", "red", true), "down"],
      ],
    );
    const lines = out.split("\n").map((l) => l.replace(/\u001b\[[0-9;]*m/g, ""));
    expect(lines).toEqual(["CHECK     STATUS    SUMMARY", "tts       OK        fine", "语音合成  CRITICAL  down"]);
  });

  it("cuts long lines to the width by display columns, keeping colour codes whole", () => {
    const out = table(["A", "B"], [[paint("x", "red", true), "y".repeat(200)]], 40);
    expect(displayWidth(out.split("\n")[1]!)).toBe(40);
    expect(out.split("\n")[1]).toMatch(/\u001b\[0m$/);
    expect(displayWidth("中文ab")).toBe(6);
  });

  it("with wrap, folds the last column at spaces under itself instead of cutting it", () => {
    const out = table(["NAME", "SUMMARY"], [["svc", "one two three four five six seven eight nine ten eleven"]], 30, {
      wrap: true,
    });
    expect(out.split("\n")).toEqual([
      "NAME  SUMMARY",
      "svc   one two three four five",
      "      six seven eight nine ten",
      "      eleven",
    ]);
    expect(fold("x".repeat(50), 20)).toEqual(["x".repeat(20), "x".repeat(20), "x".repeat(10)]);
    expect(fold("短的", 20)).toEqual(["短的"]);
  });

  it.each([
    // The hand regex this replaced counted each of these wrong (emoji 1, a combining accent 1, CJK Extension B 1).
    { text: "显存不足", width: 8 },
    { text: "ＡＢ", width: 4 },
    { text: "한국어", width: 6 },
    { text: "😱", width: 2 },
    { text: "e\u0301", width: 1 },
    { text: "\u{20000}", width: 2 },
    { text: "\u001b[31mOK\u001b[0m", width: 2 },
  ])("display width of $text is $width", ({ text, width }) => {
    expect(displayWidth(text)).toBe(width);
  });

  it("cuts whole characters: never half an emoji or an accent without its letter", () => {
    const out = table(["A", "B"], [["x", `ab${"👍🏽".repeat(10)}`]], 10).split("\n")[1]!;
    expect(out).toBe("x  ab👍🏽👍🏽…");
    expect(displayWidth(out)).toBe(10);
    expect(table(["A", "B"], [["x", `${"e\u0301".repeat(20)}`]], 10).split("\n")[1]).toBe(`x  ${"e\u0301".repeat(6)}…`);
  });

  it("measures ASCII without string-width, and other text with it once loaded (roughly before)", async () => {
    vi.resetModules();
    const fresh = await import("../../src/cli/table.js");
    await fresh.loadWidths("tts", "\u001b[31mOK\u001b[0m");
    expect(fresh.table(["CHECK", "SUMMARY"], [["tts", "fine"]])).toBe("CHECK  SUMMARY\ntts    fine");
    // Not loaded for these texts: one column a character, so a table is out of line rather than a command broken.
    expect(fresh.displayWidth("语音")).toBe(2);
    await fresh.loadWidths("tts", "语音");
    expect(fresh.displayWidth("语音")).toBe(4);
  });
});
