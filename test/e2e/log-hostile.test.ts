import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, CRON_ENV, cli, useField } from "./field-helpers.js";

// Hostile log lines, driven as cron drives the built CLI: lines that make a backtracking regex engine run for
// seconds (a catalog pattern) or for ever (a user pattern) must not hold the run, the lock or the queued alerts.
const field = useField({ open: true });

/** freePort is a port on 127.0.0.1 with nothing listening (the mail server that is down at the first run). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * cronRun runs `watchdog check` as a crontab line does (env -i, cron's PATH/HOME/SHELL, stdout thrown away).
 * The whole process group is killed after killMs: `killed` says the run did not end by itself.
 */
function cronRun(config: string, killMs: number): Promise<{ code: number | null; mail: string; killed: boolean }> {
  const vars = Object.entries(CRON_ENV).map(([k, v]) => `${k}=${v}`);
  const line = `exec ${process.execPath} ${CLI} check --config ${config} >/dev/null`;
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/env", ["-i", ...vars, "/bin/sh", "-c", line], {
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    let mail = "";
    let killed = false;
    child.stderr.on("data", (c) => (mail += c));
    const timer = setTimeout(() => {
      killed = true;
      process.kill(-child.pid!, "SIGKILL");
    }, killMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, mail, killed });
    });
  });
}

const config = (log: string, mailPort: number) => `state_file: ${path.join(field.dir, "state.json")}
run_timeout: 20s
channels:
  email:
    type: email
    host: 127.0.0.1
    port: ${mailPort}
    from: watchdog@example.com
    to: [oncall@example.com]
escalation:
  - {after: 1, notify: [email]}
checks:
  - {name: svc, type: tcp, host: 127.0.0.1, port: 1}
  - name: applog
    type: log
    path: ${log}
    from: start
    patterns: ['(\\w+\\s?)+ failed$']
`;

describe("hostile log lines", () => {
  it("are matched in linear time: the run ends in time, the offset moves on, the queued alert goes out", async () => {
    const log = path.join(field.dir, "app.log");
    fs.writeFileSync(log, "");
    const file = path.join(field.dir, "watchdog.yaml");
    // First run: the mail server is down, so svc's alert waits in the outbox.
    fs.writeFileSync(file, config(log, await freePort()), { mode: 0o600 });
    const first = await cronRun(file, 60_000);
    expect(first.killed).toBe(false);
    expect(field.smtp.mails).toHaveLength(0);

    // 64 KiB lines of `return code` and spaces (quadratic for the catalog's `return code\s*=?\s*-11\b` in a
    // backtracking engine), one line that is exponential for the user's pattern, then a real CUDA error.
    const hostile = `return code${" ".repeat(64 * 1024 - 12)}\n`;
    fs.appendFileSync(log, hostile.repeat(60));
    fs.appendFileSync(log, `${"a".repeat(40)}! failed\n`);
    fs.appendFileSync(log, "RuntimeError: CUDA error: an illegal memory access was encountered\n");
    const size = fs.statSync(log).size;

    fs.writeFileSync(file, config(log, field.smtp.port), { mode: 0o600 });
    // Killed well past run_timeout (20 s): a run that is still going then was held by the log lines.
    const second = await cronRun(file, 45_000);
    expect(second.killed).toBe(false);
    expect(second.code).toBe(0);
    const text = field.smtp.mails.map((m) => `${m.subject}\n${m.text}`).join("\n");
    expect(text).toContain("svc");
    expect(text).toContain("applog");
    expect(text).toContain("cuda_error");

    // The offset is past every line read: the next run reads nothing again.
    const state = fs.readFileSync(path.join(field.dir, "state.json"), "utf8");
    expect(state).toContain(`"offset":${size}`);
    const third = await cli(["check", "--config", file]);
    expect(third.code).toBe(0);
    expect(third.stdout.replace(/\s+/g, " ")).toMatch(/no new matching lines in \S+ \(0 B read\)/);
  });
});

describe("validate and log patterns", () => {
  const write = (name: string, patterns: string, extra = "") => {
    const file = path.join(field.dir, name);
    fs.writeFileSync(
      file,
      `state_file: ${path.join(field.dir, `${name}.json`)}\nchecks:\n  - name: applog\n    type: log\n` +
        `    path: ${field.dir}/x.log\n    patterns:\n${patterns}${extra}`,
    );
    return file;
  };

  it("warns, with its place, on a pattern that backtracks catastrophically elsewhere, and accepts it", async () => {
    const file = write(
      "redos.yaml",
      "      - 'CUDA out of memory'\n      - '(\\w+\\s?)+ failed$'\n",
      "causes:\n  - id: slow_disk\n    regex: 'disk\\s*=?\\s*slow'\n    explanation: {en: slow disk}\n" +
        "    action: {en: check the disk}\n",
    );
    const r = await cli(["validate", "--config", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("config OK");
    const err = r.stderr.replace(/\s+/g, " ");
    expect(err).toMatch(new RegExp(`${file}:8:9: checks\\[0\\]\\.patterns\\[1\\]: .*exponential.*linear time`));
    expect(err).toMatch(new RegExp(`${file}:11:12: causes\\[0\\]\\.regex: .*polynomial`));
    expect(err).not.toContain("CUDA out of memory");
  });

  it("refuses, with its place, a pattern the linear-time engine cannot match (lookahead, backreference)", async () => {
    const file = write("lookahead.yaml", "      - 'error(?! ignored)'\n      - '(\\w+) again \\1'\n");
    const r = await cli(["validate", "--config", file]);
    expect(r.code).toBe(78);
    const err = r.stderr.replace(/\s+/g, " ");
    expect(err).toMatch(new RegExp(`${file}:7:9: checks\\[0\\]\\.patterns\\[0\\]: not supported by the linear-time`));
    expect(err).toMatch(new RegExp(`${file}:8:9: checks\\[0\\]\\.patterns\\[1\\]: not supported by the linear-time`));
  });
});

describe("a hostile command line", () => {
  it("is matched in linear time by a process check: the run ends by itself", async () => {
    // Another user's process whose arguments are exponential for the check's pattern in a backtracking engine.
    const words = `${"ab ".repeat(40)}x!`.split(" ");
    const hostile = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000)", "--", ...words], {
      stdio: "ignore",
    });
    try {
      const file = path.join(field.dir, "process.yaml");
      fs.writeFileSync(
        file,
        `state_file: ${path.join(field.dir, "process.json")}\nrun_timeout: 20s\nchecks:\n` +
          "  - {name: worker, type: process, match: '(\\w+\\s?)+ failed$'}\n",
        { mode: 0o600 },
      );
      // Killed well past run_timeout (20 s): a run still going then was held by the command line.
      const run = await cronRun(file, 45_000);
      expect(run.killed).toBe(false);
      expect(run.code).toBe(0);
      const state = JSON.parse(fs.readFileSync(path.join(field.dir, "process.json"), "utf8"));
      expect(state.checks.worker.status).toBe("critical");
    } finally {
      hostile.kill("SIGKILL");
    }
  });
});
