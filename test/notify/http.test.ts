import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebhookBody } from "../../src/notify/channels/webhook/body.js";
import { createWebhookChannel } from "../../src/notify/channels/webhook/index.js";
import { webhookConfigSchema } from "../../src/notify/channels/webhook/schema.js";
import { classifyHttpStatus, postJson, truncateUtf8 } from "../../src/notify/http.js";
import { startWebhook } from "../helpers/vendors/webhook.js";
import { ctx, deadline, message } from "./fixtures.js";

// The one shared table of HTTP status → retryable (AM test.RetryTests), run against a real local server.
const TABLE: [status: number, ok: boolean, retryable: boolean][] = [
  [200, true, false],
  [201, true, false],
  [204, true, false],
  [400, false, false],
  [401, false, false],
  [403, false, false],
  [404, false, false],
  [413, false, false],
  [422, false, false],
  [429, false, true],
  [500, false, true],
  [502, false, true],
  [503, false, true],
  [504, false, true],
];

let server: http.Server;
let base = "";
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(Number(req.url!.slice(1))).end(`status ${req.url}`));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("classifyHttpStatus and the webhook channel", () => {
  it.each(TABLE)("HTTP %i → ok %s, retryable %s", async (status, ok, retryable) => {
    expect(classifyHttpStatus(status, "h")).toMatchObject(ok ? { ok: true } : { ok: false, retryable });
    const ch = createWebhookChannel(
      webhookConfigSchema.parse({ type: "webhook", url: `${base}/${status}` }),
      ctx("hook"),
    );
    expect(await ch.send(message("hook"), deadline())).toMatchObject(ok ? { ok: true } : { ok: false, retryable });
  });

  it("network failures are retryable and name the host only, never the token", async () => {
    const refused = await postJson(`http://127.0.0.1:1/hook?access_token=SECRET-TOKEN`, {}, deadline());
    expect(refused).toMatchObject({
      ok: false,
      outcome: { ok: false, retryable: true, reason: "network", error: "127.0.0.1:1: connection refused" },
    });
    const unresolvable = await postJson(`http://robot.watchdog.invalid/hook/SECRET-TOKEN`, {}, deadline());
    expect(unresolvable).toMatchObject({ ok: false, outcome: { ok: false, retryable: true, reason: "network" } });
    expect(JSON.stringify([refused, unresolvable])).not.toContain("SECRET-TOKEN");
  });

  it("a server that accepts and never answers ends at the deadline, retryable", async () => {
    const hook = await startWebhook();
    await hook.setMode("hang");
    const out = await postJson(hook.url, {}, AbortSignal.timeout(300));
    expect(out).toMatchObject({ ok: false, outcome: { retryable: true, reason: "timeout" } });
    await hook.close();
  });

  it("truncateUtf8 never splits a character", () => {
    expect(truncateUtf8("abc", 3)).toBe("abc");
    const cut = truncateUtf8("显存不足😱显存不足", 10, "…");
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(10);
    expect(cut).toBe("显存…");
  });

  it("webhook: the full message as JSON by default, or the template filled in with JSON-escaped values", async () => {
    const cfg = webhookConfigSchema.parse({
      type: "webhook",
      url: "http://x/hook",
      template: '{"msg_type":"text","content":{"text":"{{subject}}\\n{{text}}"},"sev":"{{severity}}"}',
    });
    const filled = JSON.parse(buildWebhookBody(message("hook"), cfg, "en"));
    expect(filled.sev).toBe("critical");
    expect(filled.content.text).toContain('File "/srv/cosyvoice/app.py"');
    const plain = JSON.parse(
      buildWebhookBody(message("hook"), webhookConfigSchema.parse({ type: "webhook", url: "http://x/hook" }), "en"),
    );
    expect(plain).toMatchObject({
      id: "mwt1abc-hook",
      ids: ["mwt1abc-hook"],
      host: "gpu-box-01",
      items: [{ check: "cosyvoice", status: "critical" }],
    });
    const hook = await startWebhook({ token: "hook-bearer-token" });
    const ch = createWebhookChannel(
      webhookConfigSchema.parse({
        type: "webhook",
        url: hook.url,
        headers: { Authorization: "Bearer hook-bearer-token" },
      }),
      ctx("hook"),
    );
    expect((await ch.send(message("hook"), deadline())).ok).toBe(true);
    expect(hook.delivered()[0]).toMatchObject({ id: "mwt1abc-hook" });
    await hook.close();
  });
});
