import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CLI } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";

// Any local user can ask the daemon for its status page. Rendered on each request from a 30 MB history, `/` asked
// in a loop held the event loop: /healthz went unanswered for half a minute and the runs waited. The page is now
// rendered once per run and served as it is: /healthz and the runs go on while `/` is hammered.

const HOUR = 3_600_000;
const CLIENTS = 16;
let dir: string;
let up: net.Server;
let daemon: ChildProcess | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-pageflood-"));
  up = net.createServer((s) => s.end());
  await new Promise<void>((r) => up.listen(0, "127.0.0.1", r));
});
afterAll(async () => {
  daemon?.kill("SIGKILL");
  await new Promise((r) => up.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** writeHistory writes three generations of about 10 MB of transitions of `check` over the last 30 days. */
function writeHistory(file: string, check: string): void {
  const now = Date.now();
  const per = 70_000;
  for (const [g, name] of [`${file}.2`, `${file}.1`, file].entries()) {
    const lines: string[] = [];
    for (let i = 0; i < per; i++) {
      const at = now - 720 * HOUR + ((g * per + i) * 720 * HOUR) / (3 * per);
      const to = i % 2 ? "ok" : "critical";
      lines.push(
        JSON.stringify({ at, type: "transition", check, from: i % 2 ? "critical" : "ok", to, summary: "x".repeat(60) }),
      );
    }
    fs.writeFileSync(name, `${lines.join("\n")}\n`, { mode: 0o600 });
  }
}

it("/healthz answers and the runs go on while / is asked in a loop, with a 30 MB history", async () => {
  const port = await freePort();
  const state = path.join(dir, "state.json");
  writeHistory(path.join(dir, "history.jsonl"), "svc");
  const config = path.join(dir, "wd.yaml");
  const { port: upPort } = up.address() as net.AddressInfo;
  fs.writeFileSync(
    config,
    `state_file: ${state}\ninterval: 2s\nmetrics:\n  listen: 127.0.0.1:${port}\nescalation:\n  - after: 1\n` +
      `checks:\n  - {name: svc, type: tcp, port: ${upPort}}\n`,
  );
  daemon = spawn(process.execPath, [CLI, "-c", config, "daemon"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  daemon.stdout!.on("data", (c) => (out += c));
  daemon.stderr!.on("data", (c) => (out += c));
  const runs = () => (out.match(/^run: /gm) ?? []).length;
  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!ok()) throw new Error(`timed out waiting for ${what}:\n${out.slice(-2000)}`);
  };
  await until("the first run", () => runs() >= 1);

  // The hammer: CLIENTS loops asking for `/`, each bounded, until the test has seen what it waits for.
  let stop = false;
  const bodies: string[] = [];
  const failures: string[] = [];
  const hammer = Array.from({ length: CLIENTS }, async () => {
    for (let i = 0; i < 400 && !stop; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(120_000) });
        bodies.push(await r.text());
      } catch (err) {
        failures.push(String(err));
      }
    }
  });
  try {
    const before = runs();
    // A monitor's probe of /healthz gives up after 5 s; each one must be answered.
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
      expect(r.status).toBe(200);
      await new Promise((res) => setTimeout(res, 200));
    }
    await until("two runs during the hammering", () => runs() >= before + 2);
  } finally {
    stop = true;
    await Promise.all(hammer);
  }
  expect(failures).toEqual([]);
  expect(bodies.length).toBeGreaterThan(CLIENTS);
  expect(bodies.every((b) => b.includes(`<span class="name">svc</span>`))).toBe(true);
  // One page per run: what `/` served in between was the same page, not a render per request.
  expect(new Set(bodies).size).toBeLessThanOrEqual(runs() + 1);
  expect(out).not.toMatch(/run failed/);
}, 180_000);
