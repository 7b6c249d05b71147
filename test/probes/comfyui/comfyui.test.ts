import { afterEach, describe, expect, it } from "vitest";
import { comfyuiConfigSchema, comfyuiProbe } from "../../../src/probes/comfyui/index.js";
import { startComfy, type FakeComfy } from "../../helpers/comfyui-server.js";
import { ctx, fakeClock, testDeps } from "../ctx.js";

// A tiny workflow that needs no model: EmptyImage -> PreviewImage (both in ComfyUI's nodes.py).
const TINY = {
  "1": { class_type: "EmptyImage", inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
  "2": { class_type: "PreviewImage", inputs: { images: ["1", 0] } },
};

let server: FakeComfy | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** runs runs the probe `n` times, two minutes apart, carrying its memory as the state file does. */
async function runs(over: Record<string, unknown>, n: number, between?: (i: number) => void) {
  const clock = fakeClock();
  const deps = { ...testDeps(clock) };
  const cfg = comfyuiConfigSchema.parse({ type: "comfyui", url: server!.url, timeout: "3s", ...over });
  let memory: unknown;
  const outs = [];
  for (let i = 0; i < n; i++) {
    between?.(i);
    const out = await comfyuiProbe.run(cfg, ctx(memory, deps));
    memory = out.memory;
    outs.push(out);
    clock.advance(120_000);
  }
  return outs;
}

describe("comfyui probe against a fake ComfyUI", () => {
  it("an idle healthy server is ok", async () => {
    server = await startComfy({ state: "healthy" });
    const [out] = await runs({}, 1);
    expect(out!.status).toBe("ok");
    expect(out!.summary).toMatch(/queue empty$/);
    expect(out!.metrics).toEqual({ queue_running: 0, queue_pending: 0 });
  });

  it("the same prompt running past stuck_after while others wait is critical, with the numbers", async () => {
    server = await startComfy({ state: "stuck", pending: 5 });
    const outs = await runs({ stuck_after: "20m" }, 12);
    // Seen first at run 0: 20 minutes later (run 10) it is stuck.
    expect(outs.slice(0, 10).map((o) => o.status)).toEqual(Array(10).fill("ok"));
    expect(outs[10]!.status).toBe("critical");
    expect(outs[10]!.summary).toMatch(/prompt [0-9a-f]{8}… running for 20m, 5 waiting \(queue not draining\)$/);
    expect(outs[11]!.summary).toContain("running for 22m, 5 waiting");
  });

  it("a long prompt with nothing waiting is not stuck", async () => {
    server = await startComfy({ state: "stuck", pending: 0 });
    const outs = await runs({ stuck_after: "2m" }, 3);
    expect(outs.map((o) => o.status)).toEqual(["ok", "ok", "ok"]);
    expect(outs[2]!.summary).toMatch(/1 running, 0 waiting$/);
  });

  it("prompts waiting with nothing running past stuck_after is critical (a dead worker)", async () => {
    server = await startComfy({ state: "dead", pending: 4 });
    const outs = await runs({ stuck_after: "4m" }, 3);
    expect(outs.map((o) => o.status)).toEqual(["ok", "ok", "critical"]);
    expect(outs[2]!.summary).toMatch(/nothing running, 4 waiting, the next \(\w{8}…\) for 4m \(queue not draining\)$/);
  });

  it("more waiting than max_pending is a warning", async () => {
    server = await startComfy({ state: "dead", pending: 7 });
    const [out] = await runs({ max_pending: 5 }, 1);
    expect(out!.status).toBe("warning");
    expect(out!.summary).toMatch(/0 running, 7 waiting, more than 5$/);
  });

  it("the test workflow gives an output: ok, in the same run", async () => {
    server = await startComfy({ state: "healthy" });
    const [out] = await runs({ workflow: TINY }, 1);
    expect(out!.status).toBe("ok");
    expect(out!.summary).toMatch(/queue empty; test workflow [0-9a-f]{8}… gave an output in \d+ms$/);
    expect(server.submitted()).toBe(1);
  });

  it("a test workflow that never runs is critical once past its deadline, and is not sent again", async () => {
    server = await startComfy({ state: "dead" });
    const outs = await runs({ workflow: TINY, deadline: "3m", timeout: "1500ms" }, 3);
    expect(outs[0]!.status).toBe("ok");
    expect(outs[0]!.summary).toMatch(/test workflow \w{8}… waiting in the queue for \d+m?s \(deadline 3m\)$/);
    expect(outs[1]!.status).toBe("ok");
    expect(outs[2]!.status).toBe("critical");
    expect(outs[2]!.summary).toMatch(/test workflow \w{8}… gave no output within 3m \(waiting in the queue for 4m/);
    expect(server.submitted()).toBe(1);
  });

  it("a test workflow that fails is critical with ComfyUI's exception", async () => {
    server = await startComfy({ state: "error" });
    const [out] = await runs({ workflow: TINY }, 1);
    expect(out!.status).toBe("critical");
    expect(out!.summary).toMatch(/failed: EmptyImage: CUDA out of memory/);
  });

  it("a workflow ComfyUI refuses is critical with its message", async () => {
    server = await startComfy({ state: "healthy" });
    const bad = { "1": { class_type: "NoSuchNode", inputs: {} } };
    const [out] = await runs({ workflow: bad }, 1);
    expect(out!.status).toBe("critical");
    expect(out!.summary).toContain(
      "POST /prompt refused the test workflow (400): Cannot execute because node NoSuchNode",
    );
  });

  it("nothing listening is critical", async () => {
    server = await startComfy({ state: "healthy" });
    const url = server.url;
    await server.close();
    server = undefined;
    const out = await comfyuiProbe.run(comfyuiConfigSchema.parse({ type: "comfyui", url }), ctx());
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/GET \/queue refused the connection/);
  });
});
