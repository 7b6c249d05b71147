import { describe, expect, it } from "vitest";
import { gpuConfigSchema, gpuProbe, parseGpuCsv, parseValue } from "../../../src/probes/gpu/index.js";
import { ctx } from "../ctx.js";
import { smi } from "./fixture.js";

const run = (name: string, over: Record<string, unknown> = {}) =>
  gpuProbe.run(gpuConfigSchema.parse({ type: "gpu", nvidia_smi: smi(name), ...over }), ctx());

describe("parseValue", () => {
  it.each([
    ["19818", 19818],
    ["631.95", 631.95],
    ["81559 MiB", 81559],
    ["100 %", 100],
    ["[N/A]", undefined],
    ["N/A", undefined],
    ["[Not Supported]", undefined],
    ["[Unknown Error]", undefined],
    ["[Insufficient Permissions]", undefined],
    ["[Requested functionality has been deprecated]", undefined],
    ["", undefined],
    ["  ", undefined],
    ["abc", undefined],
  ])("%j → %j", (token, want) => expect(parseValue(token)).toBe(want));
});

describe("parseGpuCsv", () => {
  it("rejects a line that is not a GPU row", () => {
    expect(parseGpuCsv("<html>oops</html>\n")).toHaveProperty("error");
    expect(parseGpuCsv("0, a, b\n")).toHaveProperty("error");
  });
  it("reads an empty value between separators as no value", () => {
    const r = parseGpuCsv("1, GPU-1, GeForce GTX 770, , , , 52, , \n");
    expect("rows" in r && r.rows[0]).toMatchObject({
      index: 1,
      temperature: 52,
      memoryUsedMiB: undefined,
      eccUncorrected: undefined,
    });
  });
});

describe("gpu probe against fake nvidia-smi executables", () => {
  it("one H100 under load is ok, with metrics", async () => {
    const out = await run("h100-1");
    expect(out.status).toBe("ok");
    expect(out.summary).toBe("1 GPU ok (NVIDIA H100 80GB HBM3)");
    expect(out.metrics).toMatchObject({
      gpu_count: 1,
      gpu0_memory_used_percent: 24.3,
      gpu0_temperature_c: 59,
      gpu0_utilization_percent: 100,
      gpu0_power_w: 631.95,
      gpu0_ecc_uncorrected: 0,
    });
  });

  it("eight H100s: the four nearly full ones warn on memory", async () => {
    const out = await run("h100-8", { count: 8 });
    expect(out.status).toBe("warning");
    expect(out.summary).toMatch(/^GPU0 memory 96\.8%; GPU1 memory 96\.9%; GPU2 memory 96\.9%; GPU3 memory 96\.6%$/);
    expect(out.detail!.split("\n")).toHaveLength(8);
  });

  it("fewer GPUs than count is critical: GPU missing", async () => {
    const out = await run("h100-1", { count: 2 });
    expect(out.status).toBe("critical");
    expect(out.summary).toContain("GPU missing: 1 of 2 found");
  });

  it("MIG ([N/A] utilization) and GeForce ([N/A] ECC) are ok, not alarms", async () => {
    expect((await run("h100-mig")).status).toBe("ok");
    const g = await run("geforce");
    expect(g.status).toBe("ok");
    expect(g.metrics).not.toHaveProperty("gpu0_ecc_uncorrected");
  });

  it("every no-value token is an unknown value, never a crash or an alarm", async () => {
    const out = await run("no-value-tokens", { min_free_memory: "1GiB" });
    expect(out.status).toBe("ok");
    expect(out.detail).toContain("GPU0 NVIDIA GB10: memory unknown, temperature unknown");
    expect(out.detail).toContain("GPU1 GeForce GTX 770: memory unknown, 52°C");
  });

  it("uncorrected ECC errors are critical; heat and full memory grade by thresholds", async () => {
    const ecc = await run("ecc");
    expect(ecc.status).toBe("critical");
    expect(ecc.summary).toBe("GPU0 has 2 uncorrected ECC errors");
    const hot = await run("hot");
    expect(hot.status).toBe("critical");
    expect(hot.summary).toBe("GPU0 memory 98.5%; GPU0 92°C");
    expect((await run("hot", { temperature: { warning: 95, critical: 99 }, memory: false })).status).toBe("ok");
  });

  it("min_free_memory warns when a model would not fit", async () => {
    const out = await run("h100-1", { min_free_memory: "80GiB" });
    expect(out.status).toBe("warning");
    expect(out.summary).toBe("GPU0 has 61741 MiB free, less than 81920 MiB");
  });

  it.each([
    ["driver-not-loaded", "critical", "NVIDIA driver not loaded (nvidia-smi exit 9)"],
    ["no-devices", "critical", "no GPU found (exit 6): No devices were found"],
    [
      "version-mismatch",
      "critical",
      "NVIDIA driver/library version mismatch (exit 18): reboot or reload the nvidia module after the driver upgrade",
    ],
    [
      "gpu-lost",
      "critical",
      "GPU lost: fallen off the bus or inaccessible (exit 15); reboot to recover: " +
        "Unable to determine the device handle for GPU 0000:03:00.0: " +
        "GPU is lost.  Reboot the system to recover this GPU",
    ],
    ["no-supported", "critical", "no GPU found (exit 255): Failed to initialize NVML: No supported GPUs were found"],
    [
      "unknown-field",
      "unknown",
      'nvidia-smi rejected the query (driver too old?): Field "device_minor" is not a valid field to query.',
    ],
    [
      "garbage",
      "unknown",
      "nvidia-smi printed something unexpected: unexpected output: <html><body>502 Bad Gateway</body></html>",
    ],
  ])("%s → %s: %s", async (name, status, summary) => {
    const out = await run(name);
    expect(out.status).toBe(status);
    expect(out.summary).toBe(summary);
  });

  it("infoROM corrupted (exit 14) still grades the rows and warns", async () => {
    const out = await run("inforom");
    expect(out.status).toBe("warning");
    expect(out.summary).toBe("infoROM is corrupted (nvidia-smi exit 14)");
  });

  it("a hang is cut at the timeout, with its whole process group", async () => {
    const out = await run("hang", { timeout: "300ms" });
    expect(out.status).toBe("critical");
    expect(out.summary).toBe("nvidia-smi did not answer in 300ms: probable GPU hang");
  });

  it("not installed is unknown: nvidia-smi not found", async () => {
    const out = await run("does-not-exist");
    expect(out.status).toBe("unknown");
    expect(out.summary).toBe(`nvidia-smi not found at ${smi("does-not-exist")}`);
    const onPath = await gpuProbe.run(
      gpuConfigSchema.parse({ type: "gpu", nvidia_smi: "nvidia-smi-not-on-path-xyz" }),
      ctx(),
    );
    expect(onPath.summary).toBe("nvidia-smi not found at nvidia-smi-not-on-path-xyz");
  });

  it("processes: true lists GPU processes in the detail, or says none", async () => {
    const out = await run("h100-1", { processes: true });
    expect(out.detail).toContain("process 11345 ./gpu_burn: 15690 MiB");
    expect(out.detail).toContain("process 2140 python3 -m vllm.entrypoints.openai.api_server: 19135 MiB");
    expect((await run("h100-idle", { processes: true })).detail).toContain("processes: none");
  });
});
