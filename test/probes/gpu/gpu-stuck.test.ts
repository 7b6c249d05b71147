import { describe, expect, it } from "vitest";
import { describeFailure, gpuConfigSchema, gpuProbe } from "../../../src/probes/gpu/index.js";
import { ctx } from "../ctx.js";
import { gpuRuns, smi } from "./fixture.js";

const STUCK = { stuck: { utilization_at_least: 95, power_below: "40%", for: 3 } };

describe("gpu probe: stuck", () => {
  it("utilization at 100% with power at 16% of the limit for 3 runs is critical, a probable GPU hang", async () => {
    const outs = await gpuRuns("h100-stuck", 4, STUCK);
    expect(outs.map((o) => o.status)).toEqual(["ok", "ok", "critical", "critical"]);
    expect(outs[2]!.summary).toBe(
      "GPU0 stuck: utilization 100% while drawing 112.37 W, 16% of its 700 W limit, for 3 runs (probable GPU hang)",
    );
    expect(outs[2]!.cause).toBe("gpu_hang");
    expect(outs[3]!.summary).toContain("for 4 runs");
  });

  it("a GPU under real load (631.95 W of 700 W) is not stuck", async () => {
    const outs = await gpuRuns("h100-1", 3, STUCK);
    expect(outs.map((o) => o.status)).toEqual(["ok", "ok", "ok"]);
  });

  it("the count starts again when the GPU does work between", async () => {
    const cfg = gpuConfigSchema.parse({ type: "gpu", nvidia_smi: smi("h100-stuck"), ...STUCK });
    const busy = gpuConfigSchema.parse({ type: "gpu", nvidia_smi: smi("h100-1"), ...STUCK });
    let m = (await gpuProbe.run(cfg, ctx())).memory;
    m = (await gpuProbe.run(cfg, ctx(m))).memory;
    m = (await gpuProbe.run(busy, ctx(m))).memory;
    m = (await gpuProbe.run(cfg, ctx(m))).memory;
    const out = await gpuProbe.run(cfg, ctx(m));
    expect(out.status).toBe("ok");
  });

  it("without stuck, the power limit is not asked for and nothing is kept", async () => {
    const [out] = await gpuRuns("h100-stuck", 1);
    expect(out!.status).toBe("ok");
    expect(out!.memory).toBeUndefined();
  });

  it('power_below takes a number or "N%"; anything else does not validate', () => {
    const parse = (power_below: unknown) => gpuConfigSchema.safeParse({ type: "gpu", stuck: { power_below } }).success;
    expect([parse(40), parse("40%"), parse("40 W"), parse(140)]).toEqual([true, true, false, false]);
  });
});

describe("gpu probe: nvidia-smi hanging", () => {
  it("nvidia-smi that sleeps past its timeout is a probable GPU hang (cause gpu_hang)", async () => {
    const out = await gpuProbe.run(
      gpuConfigSchema.parse({ type: "gpu", nvidia_smi: smi("hang"), timeout: "300ms" }),
      ctx(),
    );
    expect(out.status).toBe("critical");
    expect(out.summary).toBe("nvidia-smi did not answer in 300ms: probable GPU hang");
    expect(out.cause).toBe("gpu_hang");
  });

  it("one that cannot even be killed (no exit after SIGKILL: state D) is named so", () => {
    const r = { exitCode: null, signal: null, timedOut: true, aborted: false, spawnError: undefined };
    const out = describeFailure(
      { ...r, stdout: "", stderr: "", truncatedBytes: 0, durationMs: 11_500 },
      {
        nvidia_smi: "nvidia-smi",
        timeout: 10_000,
      },
    );
    expect(out?.summary).toBe(
      "nvidia-smi did not answer in 10s and could not be killed (uninterruptible, state D): " +
        "probable GPU hang; reset the GPU or reboot",
    );
    expect(out?.cause).toBe("gpu_hang");
  });
});
