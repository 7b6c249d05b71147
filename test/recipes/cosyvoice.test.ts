import { afterAll, describe, expect, it } from "vitest";
import { useField } from "../e2e/field-helpers.js";
import { startTts, type FakeTts, type TtsState } from "../helpers/tts-server.js";
import { installRecipe, oomAfterFirstRun, processGone, statuses } from "./harness.js";

// recipes/cosyvoice.yaml against a server that speaks CosyVoice's FastAPI API (test/helpers/tts-server.ts: raw
// int16 PCM at 22050 Hz from POST /inference_sft), through the built CLI as cron runs it.
const field = useField();
const servers: FakeTts[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.close())));

async function setup(name: string, state: TtsState) {
  const server = await startTts({ state });
  servers.push(server);
  const vars = { COSYVOICE_URL: server.url, COSYVOICE_TIMEOUT: "2s" };
  return { server, recipe: await installRecipe(field, name, "cosyvoice", vars, "COSYVOICE_LOG") };
}

/** OOM is what torch logs when CosyVoice runs out of GPU memory. */
const OOM =
  "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.20 GiB. " +
  "GPU 0 has a total capacity of 23.65 GiB\n";

const OK = { "cosyvoice-health": "ok", "cosyvoice-inference": "ok", "cosyvoice-log": "ok" };

describe("recipe cosyvoice", () => {
  it("healthy: speech comes back; every check ok, no mail", async () => {
    const { recipe } = await setup("healthy", "healthy");
    for (let i = 0; i < 2; i++) expect(statuses(await recipe.run())).toEqual(OK);
    expect(recipe.mails()).toEqual([]);
  });

  it.each([
    ["silent", /answered 200 in \d+ms: 1\.8 s of silence \(RMS /],
    ["empty", /0\.0 s of audio/],
  ] as const)("%s audio with a 200: critical at the first run, with the numbers", async (state, words) => {
    const { recipe } = await setup(state, state);
    expect(statuses(await recipe.run())).toMatchObject({ "cosyvoice-health": "ok", "cosyvoice-inference": "critical" });
    const [mail, ...more] = recipe.mails();
    expect(more).toEqual([]);
    expect(mail!.subject).toMatch(/CRITICAL cosyvoice-inference /);
    expect(mail!.text).toMatch(words);
  });

  it("a synthesis that hangs behind a live /docs: critical at COSYVOICE_TIMEOUT, with the log's cause", async () => {
    const { server, recipe } = await setup("hang", "healthy");
    const mail = await oomAfterFirstRun(recipe, OK, () => server.setState("hang"), OOM, "cosyvoice-inference");
    expect(mail.text).toContain("gave no complete answer within 2000ms");
  });

  it("the process gone: cosyvoice-health critical, refused; the synthesis is not a second alarm", async () => {
    const { server, recipe } = await setup("down", "healthy");
    await processGone(recipe, server, "cosyvoice-health");
  });
});
