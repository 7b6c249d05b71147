import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useField } from "../e2e/field-helpers.js";
import { startLlm, type LlmServer, type LlmStack } from "../helpers/stacks/llm.js";
import { brokenAfterFirstRun, installRecipe, processGone, statuses } from "./harness.js";

/** LlmRecipe is one LLM stack's recipe under test: its fake, its variables' prefix, what its log and queue say. */
export type LlmRecipe = {
  stack: string;
  fake: LlmStack;
  model: string;
  /** VLLM for VLLM_URL, VLLM_MODEL, VLLM_TIMEOUT, VLLM_LOG. */
  prefix: string;
  /** A log line of the stack's engine dying, and the cause the catalog names for it. */
  deathLine: string;
  cause: string;
  /** What the dead engine answers, as the alert quotes it. */
  deadAnswer: string;
  /** The queue rule's `for:` (runs in a row), as the README promises, and the gauge it names. */
  queueRuns: number;
  waitingMetric: string;
  /** The recipe has a `<stack>-gpu` check: requests queued while the GPU idles (a fake nvidia-smi in the tests). */
  gpu?: true;
};

/** SMI is a fake nvidia-smi printing a captured H100's rows: busy under load, or idle at 0%. */
const SMI = {
  busy: path.resolve(__dirname, "../fixtures/nvidia-smi/h100-1/nvidia-smi"),
  idle: path.resolve(__dirname, "../fixtures/nvidia-smi/h100-idle/nvidia-smi"),
};

/**
 * describeLlmRecipe drives recipes/<stack>.yaml against the stack's fake through the built CLI as cron runs it, two
 * simulated minutes apart: ok when healthy; critical in each bad state within the runs the README promises, with the
 * reason in the mail.
 */
export function describeLlmRecipe(r: LlmRecipe): void {
  const field = useField();
  const servers: LlmServer[] = [];
  afterAll(async () => Promise.all(servers.map((s) => s.close())));
  const name = (c: string) => `${r.stack}-${c}`;
  const setup = async (dir: string, more: Record<string, string> = {}) => {
    const server = await startLlm(r.fake, r.model);
    servers.push(server);
    const vars = {
      [`${r.prefix}_URL`]: server.url,
      [`${r.prefix}_MODEL`]: r.model,
      [`${r.prefix}_TIMEOUT`]: "2s",
      ...more,
    };
    return { server, recipe: await installRecipe(field, dir, r.stack, vars, `${r.prefix}_LOG`) };
  };

  describe(`recipe ${r.stack}`, () => {
    it("healthy, requests coming and going: every check ok, no mail", async () => {
      // The GPU works while the requests come and go.
      const { recipe } = await setup("healthy", r.gpu ? { NVIDIA_SMI: SMI.busy } : {});
      const checks = ["health", "inference", "queue", ...(r.gpu ? ["gpu"] : []), "log"];
      const ok = Object.fromEntries(checks.map((c) => [name(c), "ok"]));
      for (let i = 0; i < r.queueRuns + 2; i++) expect(statuses(await recipe.run())).toEqual(ok);
      expect(recipe.mails()).toEqual([]);
    });

    it(
      "health 200 while the engine is dead: " + "critical at the first run, with its answer and the log's cause",
      async () => {
        const { server, recipe } = await setup("dead");
        const { next, mails } = await brokenAfterFirstRun(recipe, () => (server.state = "dead"), `${r.deathLine}\n`);
        expect(next).toMatchObject({ [name("health")]: "ok", [name("inference")]: "critical" });
        expect(mails).toHaveLength(1);
        expect(mails[0]!.subject).toMatch(new RegExp(`CRITICAL ${name("inference")} `));
        expect(mails[0]!.text).toContain(r.deadAnswer);
        expect(mails[0]!.text).toContain(`Probable cause: ${r.cause}`);
      },
    );

    it(`requests waiting, no token generated: the queue check is critical at run ${r.queueRuns + 1}`, async () => {
      const { server, recipe } = await setup("stalled");
      server.state = "stalled";
      // The first run takes the counters' baseline; each later one sees no progress.
      for (let i = 1; i <= r.queueRuns; i++) {
        const checks = await recipe.run();
        expect(checks[name("queue")]!.status).toBe("ok");
        // A new request waits with the others: the inference call's deadline catches that at once.
        expect(checks[name("inference")]!.status).toBe("critical");
      }
      expect((await recipe.run())[name("queue")]!.status).toBe("critical");
      const queue = recipe.mails().filter((m) => m.subject.includes(`CRITICAL ${name("queue")} `));
      expect(queue).toHaveLength(1);
      expect(queue[0]!.text).toContain(`queue not draining for ${r.queueRuns} runs`);
      expect(queue[0]!.text).toMatch(new RegExp(`${r.waitingMetric.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} = \\d+`));
    });

    it.runIf(r.gpu)("requests queued while the GPU sits at 0%: the gpu check is critical at run 3", async () => {
      const { server, recipe } = await setup("gpu-idle", { NVIDIA_SMI: SMI.idle });
      server.state = "stalled";
      for (let i = 1; i <= 2; i++) expect((await recipe.run())[name("gpu")]!.status).toBe("ok");
      expect((await recipe.run())[name("gpu")]!.status).toBe("critical");
      const gpu = recipe.mails().filter((m) => m.subject.includes(`CRITICAL ${name("gpu")} `));
      expect(gpu).toHaveLength(1);
      expect(gpu[0]!.text).toMatch(/\d+ requests queued, GPU0 at 0% utilization, for 3 runs: the service stopped/);
      expect(gpu[0]!.text).toContain("Probable cause: hang_timeout");
    });

    it("the process gone: the health check is critical, refused; the others are not a second alarm", async () => {
      const { server, recipe } = await setup("down");
      await processGone(recipe, server, name("health"));
    });
  });
}
