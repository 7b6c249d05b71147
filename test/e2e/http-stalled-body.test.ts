import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhook } from "../helpers/vendors/webhook.js";
import type { VendorServer } from "../helpers/vendors/http-vendor.js";
import { CLI, runAsCron, tmpDir } from "./field-helpers.js";

// A service that answers 200 and its headers at once, then trickles its body a byte a second, is as broken as one
// that never answers: `timeout` bounds the whole answer, body included, and the person hears about it.

let dir: string;
let slow: http.Server;
let hook: VendorServer;
let base = "";
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  dir = tmpDir();
  hook = await startWebhook();
  // Python's http.server and the Flask dev server answer HTTP/1.0 with no length: the body ends when the
  // connection closes. "/chunked" is the HTTP/1.1 form of the same stall.
  slow = http.createServer((req, res) => {
    const legacy = req.url === "/legacy";
    if (legacy) res.socket!.write("HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\n");
    else res.writeHead(200, { "content-type": "text/plain" }).flushHeaders();
    // A byte a second, 30 at most: bounded even if nobody hangs up.
    let sent = 0;
    const t = setInterval(() => {
      if (legacy) res.socket?.write("x");
      else res.write("x");
      if (++sent >= 30) {
        clearInterval(t);
        if (legacy) res.socket?.end();
        else res.end();
      }
    }, 1000);
    timers.add(t);
    res.socket!.on("close", () => (clearInterval(t), timers.delete(t)));
  });
  await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(slow.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  for (const t of timers) clearInterval(t);
  slow.closeAllConnections();
  await new Promise((r) => slow.close(r));
  await hook.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("http check whose body stalls", () => {
  it(
    "200 and headers, then a byte a second, timeout 3s: " + "critical, and the webhook hears it (HTTP/1.0 and 1.1)",
    async () => {
      const config = path.join(dir, "watchdog.yaml");
      fs.writeFileSync(
        config,
        `state_file: ${dir}/state/state.json\nchannels:\n  hook: {type: webhook, url: "${hook.url}"}\n` +
          `escalation:\n  - {after: 1, notify: [hook]}\n` +
          `checks:\n  - {name: tts, type: http, url: "${base}/legacy", timeout: 3s}\n` +
          `  - {name: llm, type: http, url: "${base}/chunked", timeout: 3s}\n`,
        { mode: 0o600 },
      );
      const run = await runAsCron(`node ${CLI} check -c ${config} >/dev/null`);
      expect(run.mail).toBe("");
      expect(run.code).toBe(0);
      const state = JSON.parse(fs.readFileSync(path.join(dir, "state", "state.json"), "utf8"));
      expect([state.checks.tts.status, state.checks.llm.status]).toEqual(["critical", "critical"]);
      const items = hook.delivered().flatMap((m: { items: { check: string; summary: string }[] }) => m.items);
      for (const [check, path] of [
        ["tts", "/legacy"],
        ["llm", "/chunked"],
      ]) {
        const summary = items.find((i: { check: string }) => i.check === check)?.summary;
        expect(summary).toBe(`GET ${base}${path} answered 200, but the body was not complete within 3s`);
      }
    },
    60_000,
  );
});
