import path from "node:path";
import { describe, expect, it } from "vitest";
import { embeddedDefault } from "../../../src/config/default.js";
import { loadConfig } from "../../../src/config/discover.js";
import { parseConfig } from "../../../src/config/load.js";
import { findOnPath } from "../../../src/on-path.js";
import { embeddedGpuCheck } from "../../../src/probes/gpu/index.js";

const WITH_SMI = path.resolve(__dirname, "../../fixtures/nvidia-smi/h100-1");
const opts = { file: "<embedded default>", env: {}, hostname: "box", readFile: () => "" };

describe("embedded default grows a gpu check when nvidia-smi is on PATH", () => {
  it("findOnPath finds an executable without running it", () => {
    expect(findOnPath("nvidia-smi", `/nonexistent:${WITH_SMI}`)).toBe(path.join(WITH_SMI, "nvidia-smi"));
    expect(findOnPath("nvidia-smi", "/nonexistent::")).toBeUndefined();
    expect(findOnPath("nvidia-smi", undefined)).toBeUndefined();
  });

  it("adds a gpu check with defaults when present, nothing when absent", () => {
    const withGpu = parseConfig(embeddedDefault("/tmp/s.json", embeddedGpuCheck(WITH_SMI)), opts).config.checks;
    expect(withGpu.map((c) => [c.name, c.type])).toEqual([
      ["host", "system"],
      ["gpu", "gpu"],
    ]);
    expect(withGpu[1]).toMatchObject({ nvidia_smi: "nvidia-smi", timeout: 10_000 });
    const without = parseConfig(embeddedDefault("/tmp/s.json", embeddedGpuCheck("/nonexistent")), opts).config.checks;
    expect(without.map((c) => c.type)).toEqual(["system"]);
  });

  it("loadConfig uses it only for the embedded default", () => {
    const loaded = loadConfig(
      { config: undefined, state: "/tmp/wd-state.json" },
      { env: { HOME: "/tmp" }, cwd: "/nonexistent-dir", hostname: "box" },
      embeddedGpuCheck(WITH_SMI),
    );
    if (loaded.config.source === "<embedded default>") expect(loaded.config.checks.map((c) => c.type)).toContain("gpu");
  });
});
