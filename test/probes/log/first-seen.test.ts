import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN, classifyLines } from "../../../src/probes/log/causes.js";
import { readCorpus, type Excerpt } from "./corpus.js";

// Batches of real excerpts collected blind, each scored once "as first seen": against the catalog as it stood before
// any pattern was written with the batch in view. That first score (FIRST-SEEN.md) is the number that predicts what
// users will see; a batch joins the corpus (and the 95% rule of causes-corpus.test.ts) only with its score recorded.
const dir = path.resolve(__dirname, "../../fixtures/causes/batches");
const batches = fs
  .readdirSync(dir)
  .filter((f) => /^batch-\d+\.txt$/.test(f))
  .sort();
const record = fs.readFileSync(path.join(dir, "FIRST-SEEN.md"), "utf8");

function score(set: Excerpt[]) {
  const failures = set.filter((e) => e.expected !== "none");
  const named = failures.filter((e) => classifyLines(e.lines, BUILTIN)?.id === e.expected).length;
  const alarms = set.filter((e) => e.expected === "none" && classifyLines(e.lines, BUILTIN) !== undefined).length;
  return { named, failures: failures.length, alarms };
}

describe("cause batches scored as first seen", () => {
  it("has at least three batches of 40+ excerpts; each batch has 30+, harmless ones among them", () => {
    const sets = batches.map((f) => readCorpus(path.join(dir, f)));
    expect(sets.filter((set) => set.length >= 40).length).toBeGreaterThanOrEqual(3);
    // A round whose search look-ups ran out part way keeps its shorter batches: they were scored as first seen too.
    for (const [i, set] of sets.entries()) {
      expect(set.length, batches[i]).toBeGreaterThanOrEqual(30);
      expect(set.filter((e) => e.expected === "none").length, batches[i]).toBeGreaterThanOrEqual(8);
    }
  });

  it("records each batch's first-seen score before the batch counts in the corpus", () => {
    for (const f of batches) {
      const row = record.split("\n").find((l) => l.startsWith(`| ${f} |`));
      expect(row, `${f} has no first-seen row in FIRST-SEEN.md`).toBeDefined();
      expect(row, f).toMatch(/\| \d+\/\d+ \(\d+%\) \| \d+\/\d+ \|/);
    }
  });

  it("prints each batch's score with today's catalog", () => {
    for (const f of batches) {
      const s = score(readCorpus(path.join(dir, f)));
      console.log(`${f}: ${s.named}/${s.failures} named right today, ${s.alarms} false alarms`);
      expect(s.failures).toBeGreaterThan(0);
    }
  });
});
