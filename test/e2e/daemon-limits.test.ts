import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { CLI } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";
import type { VendorServer } from "../helpers/vendors/http-vendor.js";
import { startWebhook } from "../helpers/vendors/webhook.js";

// Any local user can connect to the daemon's metrics port. 1,100 connections that never finish their request used
// to take all of a daemon's file descriptors (systemd's default soft limit is 1,024): every run then failed with
// EMFILE, and no alert went out. Here the built daemon runs with 256 descriptors, a flood of half-open connections
// (kept up: each one closed is opened again) hits its metrics port, and the runs during the flood still probe, save
// the state and deliver to a webhook, while the daemon's descriptors stay bounded.

const FLOOD = 1100;
let dir: string;
let hook: VendorServer;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-fdflood-"));
  hook = await startWebhook();
});
afterEach(async () => {
  for (const c of children) c.kill("SIGKILL");
  children.length = 0;
  await hook.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** HOLDER opens N connections to a port, half of them sending half a request, and reopens each one that closes. */
const HOLDER = `const net = require("net");
const [port, n] = process.argv.slice(2).map(Number);
let open = 0, opened = 0, failed = 0;
// Bounded: at most 30 attempts per slot over the test's life.
const one = (i, left) => {
  if (left <= 0) return;
  opened++;
  const s = net.connect(port, "127.0.0.1");
  s.on("connect", () => { open++; if (i % 2) s.write("GET /metrics HTTP/1.1\\r\\nHost: x\\r\\n"); \
s.connected = true; });
  s.on("error", () => failed++);
  s.on("close", () => { if (s.connected) open--; setTimeout(() => one(i, left - 1), 1000); });
};
for (let i = 0; i < n; i++) one(i, 30);
setInterval(() => process.stdout.write(JSON.stringify({ open, opened, failed }) + "\\n"), 250);
`;

/** lines collects a child's output and waits (bounded) for a pattern after a given offset. */
function watch(child: ChildProcess) {
  const out = { stdout: "", stderr: "" };
  child.stdout!.on("data", (c) => (out.stdout += c));
  child.stderr!.on("data", (c) => (out.stderr += c));
  const until = async (re: RegExp, from = 0, ms = 60_000) => {
    for (let waited = 0; waited < ms; waited += 100) {
      const hit = re.exec(out.stdout.slice(from));
      if (hit) return from + hit.index + hit[0].length;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `timed out waiting for ${re}:\n${out.stdout.slice(-2000)}\n--- stderr:\n${out.stderr.slice(-2000)}`,
    );
  };
  return { out, until };
}

const fdCount = (pid: number) => {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return -1;
  }
};

it("a flood of half-open connections to /metrics does not stop the daemon's runs (256 fds)", async () => {
  const metricsPort = await freePort();
  const down = await freePort();
  const state = path.join(dir, "state.json");
  const config = path.join(dir, "wd.yaml");
  fs.writeFileSync(
    config,
    `state_file: ${state}
interval: 1s
channels:
  hook: {type: webhook, url: "${hook.url}"}
escalation:
  - after: 1
    notify: [hook]
repeat_every: 1s
metrics:
  listen: 127.0.0.1:${metricsPort}
checks:
  - {name: svc, type: tcp, host: 127.0.0.1, port: ${down}, timeout: 1s}
`,
  );
  const env = { ...process.env, HOME: dir, WATCHDOG_CONFIG: "" };
  // `exec` keeps the pid: the daemon is the child, with 256 descriptors.
  const daemon = spawn("bash", ["-c", `ulimit -n 256 && exec "${process.execPath}" "${CLI}" -c "${config}" daemon`], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(daemon);
  const d = watch(daemon);
  await d.until(/run: 1 checked, failing: svc/);

  fs.writeFileSync(path.join(dir, "holder.cjs"), HOLDER);
  // The flood needs more than 1,024 descriptors on the client side: raised to the hard limit where it is lower.
  const holder = spawn(
    "bash",
    [
      "-c",
      `ulimit -n 4096 2>/dev/null || ulimit -n hard; exec "${process.execPath}" holder.cjs ${metricsPort} ${FLOOD}`,
    ],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(holder);
  let stats = { open: 0, opened: 0, failed: 0 };
  holder.stdout!.on("data", (c: Buffer) => {
    const last = c.toString().trim().split("\n").pop();
    if (last) stats = JSON.parse(last);
  });
  for (let i = 0; i < 300 && stats.opened < FLOOD; i++) await new Promise((r) => setTimeout(r, 100));
  expect(stats.opened).toBeGreaterThanOrEqual(FLOOD);

  // During the flood: three more runs, each probing, saving the state and delivering a reminder.
  const delivered = hook.delivered().length;
  const savedAt = JSON.parse(fs.readFileSync(state, "utf8")).lastRun.startedAt as number;
  let maxFds = 0;
  let at = d.out.stdout.length;
  for (let run = 0; run < 3; run++) {
    const next = d.until(/run: 1 checked, failing: svc; sent 1\n/, at);
    // The daemon's descriptors, sampled while it runs under the flood.
    const sampler = setInterval(() => (maxFds = Math.max(maxFds, fdCount(daemon.pid!))), 50);
    at = await next.finally(() => clearInterval(sampler));
  }
  expect(hook.delivered().length).toBeGreaterThanOrEqual(delivered + 3);
  expect(JSON.parse(fs.readFileSync(state, "utf8")).lastRun.startedAt).toBeGreaterThan(savedAt);
  expect(d.out.stderr).not.toMatch(/EMFILE|run failed/);
  // Bounded: 64 client connections at most, plus the daemon's own files and sockets; far below 256.
  expect(maxFds).toBeGreaterThan(0);
  expect(maxFds).toBeLessThan(64 + 48);

  holder.kill("SIGKILL");
  daemon.kill("SIGTERM");
  const code = await new Promise<number | null>((r) =>
    daemon.exitCode !== null ? r(daemon.exitCode) : daemon.once("exit", (c) => r(c)),
  );
  expect(code).toBe(0);
}, 180_000);
