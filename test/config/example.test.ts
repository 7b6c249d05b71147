import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";

// config.example.yaml is what users copy: it must always validate (with its ${VARS} set).
describe("config.example.yaml", () => {
  it("validates", () => {
    const file = path.resolve(__dirname, "../../config.example.yaml");
    const text = fs.readFileSync(file, "utf8");
    const vars = Object.fromEntries(
      [...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)].map((m) => [m[1]!, `test-${m[1]!.toLowerCase()}-value`]),
    );
    const { config } = parseConfig(text, { file, env: vars, hostname: "box", readFile: () => "file-secret" });
    expect(config.checks.map((c) => c.name)).toContain("cosyvoice-port");
    expect(Object.keys(config.channels)).toContain("email");
  });
});
