import { describe, expect, it } from "vitest";
import { referenceSections } from "../../scripts/config-reference.mjs";
import { configJsonSchema } from "../../src/cli/commands/schema.js";

describe("docs/configuration.md notes", () => {
  const sections = referenceSections(configJsonSchema());

  it("lists sections and keys (the walk below sees the page's rows)", () => {
    expect(sections.map((s) => s.title)).toContain("Top level");
    expect(sections.flatMap((s) => s.keys).length).toBeGreaterThan(100);
  });

  it("says in words what every key does (a .describe() on each schema field)", () => {
    const bare = sections.flatMap((s) =>
      s.keys.filter((k) => !k.description.trim()).map((k) => `${s.title}: ${k.key}`),
    );
    expect(bare).toEqual([]);
  });

  it("keeps each description to a short sentence or two", () => {
    const long = sections
      .flatMap((s) => s.keys)
      .filter((k) => k.description.length > 180 || k.description.split(/[.!?]\s+(?=[A-Z])/).length > 2)
      .map((k) => `${k.key}: ${k.description}`);
    expect(long).toEqual([]);
  });
});
