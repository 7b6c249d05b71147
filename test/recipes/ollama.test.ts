import { afterAll, describe, expect, it } from "vitest";
import { useField } from "../e2e/field-helpers.js";
import { startLlm, type LlmServer } from "../helpers/stacks/llm.js";
import { OLLAMA } from "../helpers/stacks/ollama.js";
import { brokenAfterFirstRun, installRecipe, processGone, statuses } from "./harness.js";

// recipes/ollama.yaml against a server that speaks Ollama's API, through the built CLI as cron runs it. Ollama has no
// queue metrics: a runner that hangs is caught by the inference call's deadline (OLLAMA_TIMEOUT, 2s here).
const field = useField();
const servers: LlmServer[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.close())));

async function setup(name: string, model = "qwen2.5:7b") {
  const server = await startLlm(OLLAMA, "qwen2.5:7b");
  servers.push(server);
  const vars = { OLLAMA_URL: server.url, OLLAMA_MODEL: model, OLLAMA_TIMEOUT: "2s" };
  return { server, recipe: await installRecipe(field, name, "ollama", vars, "OLLAMA_LOG") };
}

describe("recipe ollama", () => {
  it("healthy: every check ok, no mail", async () => {
    const { recipe } = await setup("healthy");
    for (let i = 0; i < 2; i++)
      expect(statuses(await recipe.run())).toEqual({
        "ollama-health": "ok",
        "ollama-inference": "ok",
        "ollama-log": "ok",
      });
    expect(recipe.mails()).toEqual([]);
  });

  it(
    "'Ollama is running' while the runner is dead: " + "critical at the first run, with the status and the log's cause",
    async () => {
      const { server, recipe } = await setup("dead");
      const { next, mails } = await brokenAfterFirstRun(
        recipe,
        () => (server.state = "dead"),
        'time=2026-11-22T09:01:58.120Z level=ERROR source=sched.go:489 msg="error loading llama server" ' +
          'error="llama runner process has terminated: exit status 2"\n',
      );
      expect(next).toMatchObject({ "ollama-health": "ok", "ollama-inference": "critical" });
      const [mail, ...more] = mails;
      expect(more).toEqual([]);
      expect(mail!.subject).toMatch(/CRITICAL ollama-inference/);
      expect(mail!.text).toMatch(/\/api\/generate answered 500 in \d+ms: expected status 200/);
      expect(mail!.text).toContain("Probable cause: runner_not_started");
    },
  );

  it("a generation that hangs: critical at the first run, at OLLAMA_TIMEOUT", async () => {
    const { server, recipe } = await setup("hung");
    server.state = "hung";
    expect(statuses(await recipe.run())).toMatchObject({ "ollama-health": "ok", "ollama-inference": "critical" });
    const [mail] = recipe.mails();
    expect(mail!.subject).toMatch(/CRITICAL ollama-inference/);
    expect(mail!.text).toContain("/api/generate gave no complete answer within 2000ms");
  });

  it("the process gone: ollama-health critical, refused; the inference check is not a second alarm", async () => {
    const { server, recipe } = await setup("down");
    const gone = await processGone(recipe, server, "ollama-health");
    expect(gone.statuses).toMatchObject({ "ollama-health": "critical", "ollama-inference": "critical" });
    expect(gone.mail.text).toContain("Also affected: ollama-inference");
  });

  it("a model that is not pulled: critical at the first run, answered 404", async () => {
    const { recipe } = await setup("unpulled", "llama3.2:1b");
    expect(statuses(await recipe.run())).toMatchObject({ "ollama-health": "ok", "ollama-inference": "critical" });
    expect(recipe.mails()[0]!.text).toMatch(/\/api\/generate answered 404/);
  });
});
