import { describe, expect, it } from "vitest";
import { systemProbe } from "../../../src/probes/system/index.js";
import { createDeps } from "../../../src/deps.js";
import { silentLogger } from "../../../src/logger.js";

const ctx = () => ({ deps: createDeps(silentLogger()), signal: new AbortController().signal, memory: undefined });

describe("system probe", () => {
  it("reads this host's disk, memory and load", async () => {
    const r = await systemProbe.run(
      {
        type: "system",
        disk: { paths: ["/"], warning: 100, critical: 100 },
        memory: { warning: 100, critical: 100 },
        load: { warning: 1000, critical: 1000 },
      },
      ctx(),
    );
    expect(r.status).toBe("ok");
    expect(r.metrics?.["disk_used_percent:/"]).toBeGreaterThan(0);
    expect(r.metrics?.memory_used_percent).toBeGreaterThan(0);
    expect(r.summary).toMatch(/^disk \/ [\d.]+%, memory [\d.]+%, load [\d.]+\/core$/);
  });

  it("grades against thresholds and shows only what is wrong", async () => {
    const r = await systemProbe.run(
      { type: "system", disk: { paths: ["/"], warning: 0, critical: 100 }, memory: false, load: false },
      ctx(),
    );
    expect(r.status).toBe("warning");
    expect(r.summary).toMatch(/^disk \/ [\d.]+% \(warning at 0%\)$/);
    const c = await systemProbe.run(
      { type: "system", disk: false, memory: { warning: 0, critical: 0 }, load: false },
      ctx(),
    );
    expect(c.status).toBe("critical");
  });

  it("says unknown for a path that does not exist", async () => {
    const r = await systemProbe.run(
      { type: "system", disk: { paths: ["/no/such/mount"], warning: 85, critical: 95 }, memory: false, load: false },
      ctx(),
    );
    expect(r).toMatchObject({ status: "unknown", summary: "disk /no/such/mount: ENOENT" });
  });
});
