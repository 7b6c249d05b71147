import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startComfy, type FakeComfy } from "../helpers/comfyui-server.js";
import { startTts, type FakeTts } from "../helpers/tts-server.js";
import { CLI, cronAt, useField, writeEmailConfig, writePrivate } from "./field-helpers.js";

// Checks that see whether the model still works, run by the built CLI exactly as cron runs it (env -i, stdout
// thrown away, stderr is the mail), each against a fake server speaking its stack's real API; the person hears
// it by email, with the numbers in the message.

const field = useField();
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});
const FIXTURES = path.resolve(__dirname, "../fixtures/nvidia-smi");
const TINY = JSON.stringify({
  "1": { class_type: "EmptyImage", inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
  "2": { class_type: "PreviewImage", inputs: { images: ["1", 0] } },
});

/** setup writes a config with the email channel, step 1 email, and `checks` (YAML lines), in its own folder. */
function setup(name: string, checks: string) {
  const dir = path.join(field.dir, name);
  const rest = `escalation:\n  - {after: 1, notify: [email]}\nchecks:\n${checks}`;
  const config = writeEmailConfig(dir, field.smtp.port, rest, "host: box\n");
  const mailsBefore = field.smtp.mails.length;
  return {
    run: async (n: number) => {
      const r = await cronAt(`node ${CLI} check -c ${config} >/dev/null`, n, { SMTP_PASS: "right-pass" });
      expect(r.mail).toBe("");
      expect(r.code).toBe(0);
    },
    state: (check: string) => JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")).checks[check],
    mails: () => field.smtp.mails.slice(mailsBefore).map((m) => `${m.subject}\n${m.text}`),
  };
}

async function comfy(state: Parameters<typeof startComfy>[0]): Promise<FakeComfy> {
  const c = await startComfy(state);
  closers.push(() => c.close());
  return c;
}
async function tts(state: Parameters<typeof startTts>[0]): Promise<FakeTts> {
  const t = await startTts(state);
  closers.push(() => t.close());
  return t;
}

describe("inference proofs through the built CLI, as cron runs it", () => {
  it("ComfyUI: the same prompt running while the queue grows is critical at stuck_after, with numbers", async () => {
    const c = await comfy({ state: "stuck", pending: 3 });
    const f = setup("comfy-stuck", `  - {name: comfyui, type: comfyui, url: "${c.url}", stuck_after: 6m}\n`);
    for (let n = 0; n < 3; n++) {
      await f.run(n);
      expect(f.state("comfyui").status).toBe("ok");
      c.enqueue(2);
    }
    await f.run(3);
    expect(f.state("comfyui").status).toBe("critical");
    const [mail, ...more] = f.mails();
    expect(more).toHaveLength(0);
    expect(mail).toMatch(/CRITICAL comfyui/);
    expect(mail).toMatch(/prompt [0-9a-f]{8}… running for 6m, 9 waiting \(queue not draining\)/);
  }, 120_000);

  it("ComfyUI test workflow: an output appears, ok; no prompt runs any more, critical past the deadline", async () => {
    const c = await comfy({ state: "healthy" });
    const wf = writePrivate(path.join(field.dir, "comfy-proof", "tiny.json"), TINY);
    const f = setup(
      "comfy-proof",
      `  - {name: comfyui, type: comfyui, url: "${c.url}", workflow: ${wf}, deadline: 3m, timeout: 3s}\n`,
    );
    await f.run(0);
    expect(f.state("comfyui").status).toBe("ok");
    expect(f.state("comfyui").summary).toMatch(/test workflow [0-9a-f]{8}… gave an output in/);
    c.setState("dead");
    await f.run(1);
    await f.run(2);
    expect(f.mails()).toHaveLength(0);
    await f.run(3);
    expect(f.state("comfyui").status).toBe("critical");
    expect(f.mails().join("\n")).toMatch(
      /test workflow [0-9a-f]{8}… gave no output within 3m \(waiting in the queue for 4m/,
    );
    // One test workflow for the first run, one more when it had its answer; none while the last one waits.
    expect(c.submitted()).toBe(2);
  }, 120_000);

  it("TTS: speech in a WAV and in CosyVoice's raw PCM stream is ok; silence and 0 bytes are critical", async () => {
    const wavServer = await tts({ state: "healthy" });
    const pcmServer = await tts({ state: "healthy" });
    const f = setup(
      "tts",
      `  - {name: tts-wav, type: http, url: "${wavServer.url}/tts.wav", expect: {audio: {format: wav}}}\n` +
        `  - {name: cosyvoice, type: http, url: "${pcmServer.url}/inference_sft", method: POST,\n` +
        `     headers: {content-type: application/x-www-form-urlencoded}, body: "tts_text=hello&spk_id=1",\n` +
        `     expect: {audio: {format: pcm_s16le, sample_rate: 22050, min_duration: 0.5s}}}\n`,
    );
    await f.run(0);
    expect([f.state("tts-wav").status, f.state("cosyvoice").status]).toEqual(["ok", "ok"]);
    expect(f.state("cosyvoice").summary).toMatch(/1\.8 s of audio \(RMS -\d+ dBFS\)$/);
    wavServer.setState("silent");
    pcmServer.setState("empty");
    await f.run(1);
    const text = f.mails().join("\n");
    expect(text).toMatch(/1\.8 s of silence \(RMS -inf dBFS, under -50\)/);
    expect(text).toMatch(/answered 200 in \d+ms: 0\.0 s of audio, expected at least 0\.5 s/);
  }, 120_000);

  it("LLM: an answer streamed below min_tokens_per_second is critical, with the rate", async () => {
    const llm = await slowLlm(250);
    const f = setup(
      "llm",
      `  - {name: llm, type: openai, base_url: "${llm}", model: qwen, min_tokens_per_second: 20, timeout: 20s}\n`,
    );
    await f.run(0);
    expect(f.state("llm").status).toBe("critical");
    expect(f.mails().join("\n")).toMatch(/[0-4]\.\d tokens\/s over 6 tokens, below the floor of 20/);
  }, 120_000);

  it("GPU: stuck for 3 runs is critical; nvidia-smi that hangs is a probable GPU hang", async () => {
    const f = setup(
      "gpu",
      `  - {name: gpu, type: gpu, nvidia_smi: ${FIXTURES}/h100-stuck/nvidia-smi, stuck: {power_below: 40%, for: 3}}\n` +
        `  - {name: gpu-hang, type: gpu, nvidia_smi: ${FIXTURES}/hang/nvidia-smi, timeout: 1s}\n`,
    );
    await f.run(0);
    await f.run(1);
    expect(f.state("gpu").status).toBe("ok");
    await f.run(2);
    expect(f.state("gpu").status).toBe("critical");
    const text = f.mails().join("\n");
    expect(text).toContain("nvidia-smi did not answer in 1s: probable GPU hang");
    expect(text).toContain("GPU0 stuck: utilization 100% while drawing 112.37 W, 16% of its 700 W limit, for 3 runs");
  }, 120_000);
});

/** slowLlm is an OpenAI-compatible server that streams 6 tokens `gapMs` apart (a GPU crawling), then its usage. */
async function slowLlm(gapMs: number): Promise<string> {
  const chunk = (delta: object | null, usage?: object) =>
    `data: ${JSON.stringify({
      id: "c1",
      object: "chat.completion.chunk",
      created: 1,
      model: "qwen",
      choices: delta ? [{ index: 0, delta, finish_reason: null }] : [],
      ...(usage ? { usage } : {}),
    })}\n\n`;
  const server = http.createServer((req, res) => {
    if (req.url === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ object: "list", data: [{ id: "qwen", object: "model" }] }));
    }
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let i = 0;
      const next = () => {
        if (i++ < 6) return res.write(chunk({ content: ` ${i}` }), () => setTimeout(next, gapMs));
        res.end(chunk(null, { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 }) + "data: [DONE]\n\n");
      };
      next();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}
