import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gpuConfigSchema, gpuProbe } from "../../../src/probes/gpu/index.js";
import { startComfy, type FakeComfy } from "../../helpers/comfyui-server.js";
import { vllmPage } from "../../helpers/vllm.js";
import { ctx } from "../ctx.js";
import { gpuRuns, smi } from "./fixture.js";

// No utilization while the service's queue is not empty: the engine stopped feeding its GPU. Real fake nvidia-smi
// outputs (test/fixtures/nvidia-smi) and a real HTTP server on 127.0.0.1 serving vLLM's captured /metrics page.

/** The fake vLLM's queue, set by each test; `up: false` answers 503 (a server that cannot say). */
const engine = { waiting: 14, running: 0, up: true };
let server: http.Server;
let metrics = "";
let comfy: FakeComfy;
let dir: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url !== "/metrics" || !engine.up) return res.writeHead(503).end("Service Unavailable");
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(vllmPage(engine));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  metrics = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/metrics`;
  comfy = await startComfy({ state: "stuck", pending: 3 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-gpu-idle-"));
});
afterAll(async () => {
  await comfy.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

const VLLM_QUEUE = ["vllm:num_requests_waiting", "vllm:num_requests_running"];

/** runs runs the gpu probe n times with `idle` as its idle_while_queued, carrying its memory as the state does. */
const runs = (fixture: string, n: number, idle: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  gpuRuns(fixture, n, { idle_while_queued: idle, ...over });

describe("gpu probe: idle while the queue is not empty", () => {
  it("14 requests waiting, the GPU at 0% for 3 runs: critical with the numbers, a hung engine", async () => {
    Object.assign(engine, { waiting: 14, running: 0, up: true });
    const outs = await runs("h100-idle", 4, { metrics, queue: VLLM_QUEUE });
    expect(outs.map((o) => o.status)).toEqual(["ok", "ok", "critical", "critical"]);
    expect(outs[2]!.summary).toBe(
      "14 requests queued, GPU0 at 0% utilization, for 3 runs: the service stopped feeding its GPU " +
        "(probable engine hang)",
    );
    expect(outs[2]!.cause).toBe("hang_timeout");
    expect(outs[2]!.metrics).toMatchObject({ queue_length: 14, gpu0_utilization_percent: 0 });
    expect(outs[1]!.detail).toContain("queue 14 (vllm:num_requests_waiting 14, vllm:num_requests_running 0)");
    expect(outs[1]!.detail).toContain("idle while queued: 2 of 3 runs");
    expect(outs[3]!.summary).toContain("for 4 runs");
  });

  it("an empty queue with an idle GPU stays ok (nothing to do is not stuck)", async () => {
    Object.assign(engine, { waiting: 0, running: 0, up: true });
    const outs = await runs("h100-idle", 4, { metrics, queue: VLLM_QUEUE });
    expect(outs.map((o) => o.status)).toEqual(["ok", "ok", "ok", "ok"]);
    expect(outs[3]!.detail).toContain("queue 0");
  });

  it("a busy GPU with a queue stays ok", async () => {
    Object.assign(engine, { waiting: 14, running: 2, up: true });
    const outs = await runs("h100-1", 4, { metrics, queue: VLLM_QUEUE });
    expect(outs.map((o) => o.status)).toEqual(["ok", "ok", "ok", "ok"]);
  });

  it("the count starts again when the GPU works between", async () => {
    Object.assign(engine, { waiting: 14, running: 0, up: true });
    const idle = gpuConfigSchema.parse({
      type: "gpu",
      nvidia_smi: smi("h100-idle"),
      idle_while_queued: { metrics, queue: VLLM_QUEUE },
    });
    const busy = { ...idle, nvidia_smi: smi("h100-1") };
    let m = (await gpuProbe.run(idle, ctx())).memory;
    m = (await gpuProbe.run(idle, ctx(m))).memory;
    m = (await gpuProbe.run(busy, ctx(m))).memory;
    m = (await gpuProbe.run(idle, ctx(m))).memory;
    expect((await gpuProbe.run(idle, ctx(m))).status).toBe("ok");
  });

  it("a queue that cannot be read is not this check's failure: ok, 'queue unknown' in the detail", async () => {
    Object.assign(engine, { waiting: 14, running: 0, up: false });
    const outs = await runs("h100-idle", 3, { metrics, queue: VLLM_QUEUE });
    expect(outs.map((o) => o.status)).toEqual(["ok", "ok", "ok"]);
    expect(outs[2]!.detail).toContain("queue unknown: HTTP 503");
    const closed = await runs("h100-idle", 1, { metrics: "http://127.0.0.1:1/metrics", queue: VLLM_QUEUE });
    expect(closed[0]!.status).toBe("ok");
    expect(closed[0]!.detail).toMatch(/queue unknown: .*refused/);
  });

  it("a queue metric the page does not export is 'queue unknown', naming it", async () => {
    Object.assign(engine, { waiting: 14, running: 0, up: true });
    const [out] = await runs("h100-idle", 1, { metrics, queue: ["sglang:num_queue_reqs"] });
    expect(out!.status).toBe("ok");
    expect(out!.detail).toContain("queue unknown: not exported: sglang:num_queue_reqs");
  });

  it("ComfyUI's /queue: one prompt running and 3 pending, the GPU idle for 3 runs, is critical", async () => {
    const outs = await runs("h100-idle", 3, { comfyui: comfy.url });
    expect(outs.map((o) => o.status)).toEqual(["ok", "ok", "critical"]);
    expect(outs[2]!.summary).toMatch(/^4 requests queued, GPU0 at 0% utilization, for 3 runs/);
    expect(outs[2]!.detail).toContain("queue 4 (ComfyUI running 1, pending 3)");
  });

  it("gpus: only the GPUs the service uses are judged", async () => {
    Object.assign(engine, { waiting: 5, running: 0, up: true });
    // Two H100s in the capture's row layout: GPU0 idle (the service's), GPU1 busy with another job.
    const two = path.join(dir, "nvidia-smi");
    fs.writeFileSync(
      two,
      "#!/bin/sh\ncat <<EOF\n" +
        "0, GPU-00000000-0000-0000-0000-000000000000, NVIDIA H100 80GB HBM3, 19818, 81559, 0, 41, 69.85, 0\n" +
        "1, GPU-00000001-0000-0000-0000-000000000001, NVIDIA H100 80GB HBM3, 21340, 81559, 100, 57, 612.02, 0\n" +
        "EOF\n",
      { mode: 0o755 },
    );
    const cfg = (gpus?: number[]) =>
      gpuConfigSchema.parse({
        type: "gpu",
        nvidia_smi: two,
        idle_while_queued: { metrics, queue: VLLM_QUEUE, gpus, for: 1 },
      });
    expect((await gpuProbe.run(cfg(), ctx())).status).toBe("ok");
    const mine = await gpuProbe.run(cfg([0]), ctx());
    expect(mine.status).toBe("critical");
    expect(mine.summary).toMatch(/^5 requests queued, GPU0 at 0% utilization, for 1 run:/);
    // A GPU the list names that nvidia-smi does not show is said, not guessed at.
    const gone = await gpuProbe.run(cfg([0, 3]), ctx());
    expect(gone.status).toBe("ok");
    expect(gone.detail).toContain("idle while queued: not judged, GPU3 not listed by nvidia-smi");
  });

  it("with the stuck judgement too, both counts are kept", async () => {
    Object.assign(engine, { waiting: 14, running: 0, up: true });
    const outs = await runs("h100-idle", 2, { metrics, queue: VLLM_QUEUE }, { stuck: {} });
    expect(outs[1]!.memory).toEqual({ stuck: {}, idle: 2 });
  });
});

describe("gpu probe: idle_while_queued config", () => {
  const issues = (idle: unknown) => {
    const r = gpuConfigSchema.safeParse({ type: "gpu", idle_while_queued: idle });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };
  it("takes a metrics URL with its queue, a ComfyUI URL, or both", () => {
    expect(issues({ metrics: "http://127.0.0.1:8000/metrics", queue: "vllm:num_requests_waiting" })).toEqual([]);
    expect(issues({ comfyui: "http://127.0.0.1:8188" })).toEqual([]);
    const both = { comfyui: "http://127.0.0.1:8188", metrics: "http://h/metrics", queue: ["a", 'b{x="y"}'] };
    expect(issues(both)).toEqual([]);
  });
  it("says what is wrong, at the field", () => {
    expect(issues({})).toEqual(["idle_while_queued: name where the queue is: metrics (with queue) or comfyui"]);
    expect(issues({ metrics: "http://127.0.0.1:8000/metrics" })).toEqual([
      "idle_while_queued.queue: name the metrics whose sum is the queue, e.g. " +
        "[vllm:num_requests_waiting, vllm:num_requests_running]",
    ]);
    expect(issues({ comfyui: "http://127.0.0.1:8188", queue: "vllm:num_requests_waiting" })).toEqual([
      "idle_while_queued.metrics: queue names metrics: set the page they are on",
    ]);
    expect(issues({ metrics: "127.0.0.1:8000/metrics", queue: "q" })[0]).toMatch(
      /^idle_while_queued\.metrics: must be a URL that starts with http/,
    );
    expect(issues({ comfyui: "http://x", utilization_at_most: 150 })[0]).toMatch(
      /^idle_while_queued\.utilization_at_most:/,
    );
    expect(issues({ metrics: "http://x/metrics", queue: ["vllm:num_requests_waiting{model="] })[0]).toMatch(
      /^idle_while_queued\.queue\.0: expected a metric name/,
    );
  });
});

describe("gpu probe: missing", () => {
  it("missing: ok says a host without nvidia-smi is fine (the recipes' gpu checks)", async () => {
    const cfg = gpuConfigSchema.parse({ type: "gpu", nvidia_smi: path.join(dir, "absent"), missing: "ok" });
    const out = await gpuProbe.run(cfg, ctx());
    expect(out.status).toBe("ok");
    expect(out.summary).toBe(`nvidia-smi not found at ${path.join(dir, "absent")}`);
    expect(gpuProbe.preflight?.(cfg, { onPath: () => false })).toEqual([]);
  });
  it("by default it is unknown, as before", async () => {
    const cfg = gpuConfigSchema.parse({ type: "gpu", nvidia_smi: path.join(dir, "absent") });
    expect((await gpuProbe.run(cfg, ctx())).status).toBe("unknown");
  });
});
