import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { CLI, runAsCron, tmpDir } from "./field-helpers.js";

// A real host watches more than ten things. Each probe and each send listens to the run's one deadline signal, and
// Node warns on stderr (MaxListenersExceededWarning) past ten listeners: under cron that warning is a mail, every
// two minutes, about nothing. A run with 30 checks and 12 channels must leave cron nothing to mail.

let dir: string;
let tcp: net.Server;
let web: http.Server;
const posts: string[] = [];
const listen = (s: net.Server) =>
  new Promise<number>((r) => s.listen(0, "127.0.0.1", () => r((s.address() as net.AddressInfo).port)));

beforeAll(() => {
  dir = tmpDir();
});
afterAll(async () => {
  await Promise.all([tcp, web].map((s) => new Promise((r) => (s ? s.close(r) : r(undefined)))));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a run with many checks and channels", () => {
  it("probes 30 checks, alerts 12 channels, and leaves nothing on stderr for cron to mail", async () => {
    tcp = net.createServer((s) => s.end());
    web = http.createServer((req, res) => {
      let body = "";
      req
        .on("data", (c) => (body += c))
        .on("end", () => {
          posts.push(body);
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        });
    });
    const [tcpPort, webPort] = [await listen(tcp), await listen(web)];
    const checks = [
      ...Array.from({ length: 24 }, (_, i) => `  - {name: up-${i}, type: tcp, port: ${tcpPort}}`),
      ...Array.from({ length: 6 }, (_, i) => `  - {name: web-${i}, type: http, url: "http://127.0.0.1:${webPort}/h"}`),
    ];
    const channels = Array.from(
      { length: 12 },
      (_, i) => `  hook-${i}: {type: webhook, url: "http://127.0.0.1:${webPort}/w${i}"}`,
    );
    // One check fails (a port nothing listens on: refused), so every channel is sent to in the same run.
    const closed = await freePort();
    const config = path.join(dir, "watchdog.yaml");
    fs.writeFileSync(
      config,
      `state_file: ${dir}/state/state.json\nchannels:\n${channels.join("\n")}\n` +
        `escalation:\n  - {after: 1, notify: [${channels.map((_, i) => `hook-${i}`).join(", ")}]}\n` +
        `checks:\n${checks.join("\n")}\n  - {name: down, type: tcp, port: ${closed}, timeout: 2s}\n`,
      { mode: 0o600 },
    );
    const run = await runAsCron(`node ${CLI} check -c ${config} >/dev/null`);
    expect(run.mail).toBe("");
    expect(run.code).toBe(0);
    const state = JSON.parse(fs.readFileSync(path.join(dir, "state", "state.json"), "utf8"));
    expect(Object.keys(state.checks)).toHaveLength(31);
    expect(posts.filter((p) => p.includes("down"))).toHaveLength(12);
  });
});
