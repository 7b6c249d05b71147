import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { CLI } from "../helpers/cli.js";

// Output to a pipe whose reader is slow (`watchdog schema | (sleep 1; wc -c)`, `history --json | jq` on a busy box):
// writes past the pipe's 64 KiB buffer wait for the reader, and the CLI must not exit before they are done.
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-drain-"));
  const checks = Array.from({ length: 300 }, (_, i) => `  - {name: svc-${i}, type: tcp, host: 127.0.0.1, port: 1}`);
  fs.writeFileSync(path.join(dir, "wd.yaml"), `state_file: ${dir}/state/state.json\nchecks:\n${checks.join("\n")}\n`);
  // A long history: 1,200 events of the last day.
  const t = Date.now() - 86_400_000;
  const events = Array.from({ length: 600 }, (_, i) => [
    {
      at: t + i * 1000,
      type: "incident_open",
      check: `svc-${i % 7}`,
      id: `i${i}`,
      severity: "critical",
      cause: "gpu_oom",
    },
    {
      at: t + i * 1000 + 500,
      type: "incident_close",
      check: `svc-${i % 7}`,
      id: `i${i}`,
      startedAt: t + i * 1000,
      outageMs: 500,
      peakStep: 1,
      peak: "critical",
      restarts: 0,
      acked: false,
    },
  ]).flat();
  fs.mkdirSync(path.join(dir, "state"), { mode: 0o700 });
  fs.writeFileSync(path.join(dir, "state", "history.jsonl"), `${events.map((e) => JSON.stringify(e)).join("\n")}\n`, {
    mode: 0o600,
  });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const env = () => ({ ...process.env, HOME: dir, XDG_STATE_HOME: path.join(dir, "xdg"), WATCHDOG_CONFIG: "" });

/** toFile runs the CLI with stdout on a regular file (written synchronously: never cut) and returns what it wrote. */
function toFile(args: string[]): Promise<Buffer> {
  const out = path.join(dir, `out-${args.join("-")}`);
  const fd = fs.openSync(out, "w");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: env(), stdio: ["ignore", fd, "ignore"] });
    child.once("error", reject);
    child.once("exit", (code) => {
      fs.closeSync(fd);
      if (code !== 0) reject(new Error(`exit ${code}`));
      else resolve(fs.readFileSync(out));
    });
  });
}

/**
 * slowReader runs the CLI with stdout on a real pipe (a FIFO: 64 KiB of buffer, as in a shell pipeline; node's own
 * "pipe" is a socket pair with a larger buffer) that nobody reads until the CLI has exited (or 3 s have passed, as a
 * CLI that waits for its reader does not exit first), then reads it all.
 */
async function slowReader(args: string[]): Promise<{ code: number | null; out: Buffer }> {
  const fifo = path.join(dir, `fifo-${args.join("-")}`);
  execFileSync("mkfifo", [fifo]);
  const rd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const wr = fs.openSync(fifo, "w");
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: env(), stdio: ["ignore", wr, "ignore"] });
  fs.closeSync(wr);
  let code: number | null | undefined;
  const exited = new Promise<void>((resolve) => child.once("exit", (c) => resolve(void (code = c))));
  await Promise.race([exited, sleep(3000)]);
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(64 * 1024);
  try {
    // Read to the end (the CLI closed its side), bounded.
    for (let i = 0; i < 6000; i++) {
      let n: number;
      try {
        n = fs.readSync(rd, buf);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
        await sleep(10);
        continue;
      }
      if (n === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
  } finally {
    fs.closeSync(rd);
  }
  await exited;
  return { code: code ?? null, out: Buffer.concat(chunks) };
}

describe("output to a slow pipe is never cut", () => {
  it.each([
    ["schema", ["schema"]],
    ["history --json on a long history", ["-c", "wd.yaml", "history", "--json", "--events"]],
    ["status --json", ["-c", "wd.yaml", "status", "--json"]],
  ])("%s", async (_name, args) => {
    const whole = await toFile(args);
    expect(whole.length).toBeGreaterThan(64 * 1024);
    const piped = await slowReader(args);
    expect(piped.code).toBe(0);
    expect(piped.out.length).toBe(whole.length);
    // The JSON is whole (jq would read it).
    expect(() => JSON.parse(piped.out.toString("utf8"))).not.toThrow();
  });
});
