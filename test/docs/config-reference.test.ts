import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderReference } from "../../scripts/config-reference.mjs";
import { configJsonSchema } from "../../src/cli/commands/schema.js";

const ROOT = path.resolve(__dirname, "../..");

describe("docs/configuration.md", () => {
  it("is what the schema gives today (run `npm run docs` after changing the schema)", () => {
    const committed = fs.readFileSync(path.join(ROOT, "docs/configuration.md"), "utf8");
    expect(committed).toBe(renderReference(configJsonSchema()));
  });
});
