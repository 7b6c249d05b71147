import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI } from "../helpers/cli.js";

// A log check reads new bytes into its search's WebAssembly memory, which never shrinks. The daemon lives for months:
// a burst of log lines must not leave it that much bigger for good. The built CLI, its resident anonymous memory
// (/proc/PID/status) sampled before the burst and after it was read; never timed.
let dir: string;
let daemon: ChildProcess | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-log-burst-"));
});
afterEach(() => {
  daemon?.kill("SIGKILL");
  daemon = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const MiB = 1 << 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const anonBytes = (pid: number) =>
  Number(/RssAnon:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) * 1024;

/** waitFor polls `ok` every 100 ms, at most `ms`; returns whether it became true. */
async function waitFor(ok: () => boolean, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 100) {
    if (ok()) return true;
    await sleep(100);
  }
  return ok();
}

describe("the daemon after a burst of log lines", () => {
  it("gives back the memory the log checks read the burst into", async () => {
    const log = path.join(dir, "app.log");
    fs.writeFileSync(log, "");
    const logFile = path.join(dir, "watchdog.log");
    const checks = [0, 1, 2].map((i) => `  - {name: log${i}, type: log, path: ${log}, patterns: ["Traceback"]}`);
    const config = path.join(dir, "watchdog.yaml");
    const files = `state_file: ${path.join(dir, "state.json")}\nlog_file: ${logFile}\n`;
    fs.writeFileSync(config, `${files}interval: 300ms\nchecks:\n${checks.join("\n")}\n`);
    const child = spawn(process.execPath, [CLI, "-c", config, "daemon"], {
      env: { ...process.env, HOME: dir, WATCHDOG_CONFIG: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    daemon = child;
    let stdout = "";
    child.stdout!.on("data", (c) => (stdout += c));
    const runs = () => (stdout.match(/^run: /gm) ?? []).length;
    expect(await waitFor(() => runs() >= 5, 30_000)).toBe(true);
    const before = anonBytes(child.pid!);

    // 40 MiB of lines that match nothing: each check reads all of it (one run, or a few at the time limit).
    const line = "2026-12-07T00:00:00Z INFO GET /v1/models 200 in 3 ms from 127.0.0.1, nothing to see here\n";
    fs.appendFileSync(log, line.repeat(Math.ceil((40 * MiB) / line.length)));
    const size = fs.statSync(log).size;
    const offsets = () => {
      const state = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")) as {
        probes: Record<string, { files?: Record<string, { offset?: number }> }>;
      };
      return [0, 1, 2].map((i) => state.probes[`log${i}`]?.files?.[log]?.offset ?? 0);
    };
    const readAll = () => {
      try {
        return offsets().every((o) => o === size);
      } catch {
        return false; // the state is being replaced
      }
    };
    expect(await waitFor(readAll, 60_000)).toBe(true);

    // Kept for good, it was about 9 MiB a check; collected, what is left is the heap's ordinary ups and downs.
    const samples: number[] = [];
    const settled = await waitFor(() => {
      samples.push(Math.round((anonBytes(child.pid!) - before) / MiB));
      return samples[samples.length - 1]! <= 9;
    }, 30_000);
    const seen = `MiB above the level before the burst: least ${Math.min(...samples)}, last ${samples.at(-1)}`;
    expect(settled, seen).toBe(true);
  });
});
