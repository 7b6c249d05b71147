import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useField } from "../e2e/field-helpers.js";
import { startComfy, type ComfyState, type FakeComfy } from "../helpers/comfyui-server.js";
import { installRecipe, oomAfterFirstRun, processGone, statuses } from "./harness.js";

// recipes/comfyui.yaml against a server that speaks ComfyUI's API (test/helpers/comfyui-server.ts), through the
// built CLI as cron runs it. The windows are shortened through the recipe's own variables: a prompt stuck, or the
// test image late, for 4 minutes (two runs) is critical.
const field = useField();
const servers: FakeComfy[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.close())));

async function setup(name: string, state: ComfyState, pending = 0, more: Record<string, string> = {}) {
  const server = await startComfy({ state, pending });
  servers.push(server);
  const vars = {
    COMFYUI_URL: server.url,
    COMFYUI_STUCK_AFTER: "4m",
    COMFYUI_DEADLINE: "4m",
    COMFYUI_TIMEOUT: "2s",
    ...more,
  };
  return { server, recipe: await installRecipe(field, name, "comfyui", vars, "COMFYUI_LOG") };
}

/** OOM is what ComfyUI logs when a job runs out of GPU memory. */
const OOM =
  "!!! Exception during processing !!! Allocation on device\n" +
  "torch.OutOfMemoryError: Allocation on device 0 would exceed allowed memory. (out of memory)\n";

const OK = { "comfyui-health": "ok", "comfyui-queue": "ok", "comfyui-gpu": "ok", "comfyui-log": "ok" };

describe("recipe comfyui", () => {
  it("healthy: the test image comes out each run; every check ok, no mail", async () => {
    const { server, recipe } = await setup("healthy", "healthy");
    for (let i = 0; i < 3; i++) expect(statuses(await recipe.run())).toEqual(OK);
    expect(server.submitted()).toBeGreaterThanOrEqual(1);
    expect(recipe.mails()).toEqual([]);
  });

  it("the same prompt running while others wait: critical once it has run COMFYUI_STUCK_AFTER", async () => {
    const { recipe } = await setup("stuck", "stuck", 3);
    expect(statuses(await recipe.run())).toEqual(OK);
    expect(statuses(await recipe.run())).toEqual(OK);
    expect(statuses(await recipe.run())["comfyui-queue"]).toBe("critical");
    const [mail, ...more] = recipe.mails();
    expect(more).toEqual([]);
    expect(mail!.subject).toMatch(/CRITICAL comfyui-queue /);
    expect(mail!.text).toMatch(/running for 4m, \d+ waiting \(queue not draining\)/);
  });

  it("the server answers while nothing runs: critical when the test image is COMFYUI_DEADLINE late", async () => {
    const { recipe } = await setup("dead", "dead", 2);
    expect(statuses(await recipe.run())).toEqual(OK);
    expect(statuses(await recipe.run())).toEqual(OK);
    expect(statuses(await recipe.run())).toMatchObject({ "comfyui-health": "ok", "comfyui-queue": "critical" });
    const [mail] = recipe.mails();
    expect(mail!.subject).toMatch(/CRITICAL comfyui-queue /);
    expect(mail!.text).toMatch(/gave no output within 4m/);
  });

  it("every job fails: critical at the first run, with ComfyUI's error and the log's cause", async () => {
    const { server, recipe } = await setup("error", "healthy");
    const mail = await oomAfterFirstRun(recipe, OK, () => server.setState("error"), OOM, "comfyui-queue");
    expect(mail.text).toContain("CUDA out of memory");
  });

  it("prompts queued while the GPU sits at 0% (a fake nvidia-smi): comfyui-gpu critical at the 5th run", async () => {
    const idle = path.resolve(__dirname, "../fixtures/nvidia-smi/h100-idle/nvidia-smi");
    const { recipe } = await setup("gpu-idle", "stuck", 3, { NVIDIA_SMI: idle });
    for (let i = 1; i <= 4; i++) expect(statuses(await recipe.run())["comfyui-gpu"]).toBe("ok");
    expect(statuses(await recipe.run())["comfyui-gpu"]).toBe("critical");
    const gpu = recipe.mails().filter((m) => m.subject.includes("CRITICAL comfyui-gpu "));
    expect(gpu).toHaveLength(1);
    // The 3 others, the one running, and the recipe's own test image waiting behind them.
    expect(gpu[0]!.text).toContain("5 requests queued, GPU0 at 0% utilization, for 5 runs");
    expect(gpu[0]!.text).toContain("queue 5 (ComfyUI running 1, pending 4)");
  });

  it("the process gone: comfyui-health critical, refused; the queue check is not a second alarm", async () => {
    const { server, recipe } = await setup("down", "healthy");
    await processGone(recipe, server, "comfyui-health");
  });
});
