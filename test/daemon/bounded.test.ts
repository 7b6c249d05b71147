import { EventEmitter } from "node:events";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { runDaemon } from "../../src/daemon/loop.js";
import { createDeps } from "../../src/deps.js";
import { silentLogger } from "../../src/logger.js";
import { createRedactor } from "../../src/notify/redact.js";
import { freePort } from "../helpers/net.js";

/** scrape asks the daemon's server once, on a connection closed after the answer; resolves the status. */
function scrape(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      })
      .on("error", reject);
  });
}

// The daemon lives for months: what one run opens (files, sockets, timers, signal listeners) must be closed by the
// next, or a long life ends in EMFILE. Counted after each of many runs, never timed.
let dir: string;
const closers: (() => void)[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-bounded-"));
});
afterEach(() => {
  for (const close of closers.splice(0)) close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const listen = async (srv: net.Server) => {
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  closers.push(() => srv.close());
  return (srv.address() as net.AddressInfo).port;
};
const openFds = () => fs.readdirSync("/proc/self/fd").length;
const processListeners = () => process.eventNames().reduce((n, e) => n + process.listenerCount(e), 0);
const handles = () => process.getActiveResourcesInfo().filter((r) => r !== "FSReqPromise" && r !== "FSReqCallback");

describe("the daemon over many runs", () => {
  it("holds no more descriptors, listeners or handles after 200 runs than after 20", async () => {
    const tcp = await listen(net.createServer((s) => s.end()));
    const web = await listen(http.createServer((_req, res) => res.end("ok\n")));
    const log = path.join(dir, "app.log");
    fs.writeFileSync(log, "");
    const metrics = await freePort();
    const text = `state_file: ${path.join(dir, "state.json")}
interval: 10ms
channels:
  out: {type: console}
escalation:
  - after: 1
    notify: [out]
metrics:
  listen: 127.0.0.1:${metrics}
checks:
  - {name: tcp, type: tcp, host: 127.0.0.1, port: ${tcp}}
  - {name: web, type: http, url: "http://127.0.0.1:${web}/health"}
  - {name: proc, type: process, match: "node", min: 1}
  - {name: log, type: log, path: ${log}, patterns: ["Traceback"]}
`;
    const { config } = parseConfig(text, { file: "w.yaml", env: {}, hostname: "host", readFile: () => "" });
    const deps = createDeps(silentLogger(), { env: {} });
    const signals = new EventEmitter();
    const seen: { fds: number; listeners: number; handles: string[]; signals: number }[] = [];
    let runs = 0;
    const errors: string[] = [];
    const scrapes: Promise<number>[] = [];
    const done = runDaemon({
      load: () => ({ config, redact: createRedactor([]) }),
      deps,
      signals: signals as unknown as Pick<NodeJS.Process, "on" | "off">,
      err: (s) => void errors.push(s),
      out: (s) => {
        if (!s.startsWith("run: ")) return;
        runs++;
        // A new line every run: the log check reads new bytes each time; a scrape of /metrics and / now and then.
        fs.appendFileSync(log, `line ${runs}\n`);
        // Scrapes close their connection (no client keep-alive socket counted as the daemon's) and stop well before
        // run 200, so the last count sees the daemon's own handles only.
        if (runs % 10 === 5 && runs < 150) {
          const url = `http://127.0.0.1:${metrics}/${runs % 20 < 10 ? "metrics" : ""}`;
          scrapes.push(scrape(url));
        }
        if (runs === 20 || runs === 200) {
          seen.push({
            fds: openFds(),
            listeners: processListeners(),
            handles: handles(),
            signals: signals.eventNames().reduce((n, e) => n + signals.listenerCount(e), 0),
          });
        }
        if (runs === 200) signals.emit("SIGTERM");
      },
    });
    expect(await done).toBe(0);
    expect(new Set(await Promise.all(scrapes))).toEqual(new Set([200]));
    expect(errors).toEqual([]);
    const [early, late] = seen;
    expect(late!.fds).toBeLessThanOrEqual(early!.fds);
    expect(late!.listeners).toBe(early!.listeners);
    expect(late!.handles.length).toBeLessThanOrEqual(early!.handles.length);
    expect(late!.signals).toBe(early!.signals);
    // After SIGTERM the daemon leaves nothing behind: its signal listeners are gone.
    expect(signals.eventNames()).toEqual([]);
  }, 120_000);
});
