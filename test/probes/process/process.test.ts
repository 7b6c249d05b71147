import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStat, processConfigSchema, processProbe, scanProcesses } from "../../../src/probes/process/index.js";
import { ctx } from "../ctx.js";

const SLEEP = ["/usr/bin/sleep", "/bin/sleep"].find((p) => fs.existsSync(p))!;
let dir: string;
const children: ChildProcess[] = [];
const tag = `${process.pid % 1000}${Date.now() % 1000}`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-proc-"));
});
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

/** start runs a command and waits until /proc shows it. */
async function start(cmd: string, args: string[]): Promise<ChildProcess> {
  const c = spawn(cmd, args, { stdio: "ignore" });
  children.push(c);
  for (let i = 0; i < 100 && !fs.existsSync(`/proc/${c.pid}/cmdline`); i++) await new Promise((r) => setTimeout(r, 10));
  // Wait for exec to finish (the cmdline shows the new program).
  for (
    let i = 0;
    i < 100 && !fs.readFileSync(`/proc/${c.pid}/cmdline`, "utf8").includes(args[args.length - 1] ?? cmd);
    i++
  )
    await new Promise((r) => setTimeout(r, 10));
  return c;
}
const run = (over: Record<string, unknown>) =>
  processProbe.run(processConfigSchema.parse({ type: "process", ...over }), ctx());

describe("parseStat", () => {
  it("reads a comm holding spaces and parentheses", () => {
    expect(parseStat("1234 (my (odd) name) S 1 1234 1234 0 -1")).toEqual({ comm: "my (odd) name", state: "S" });
    expect(parseStat("5 (python3) Z 1 5")).toEqual({ comm: "python3", state: "Z" });
    expect(parseStat("garbage")).toBeUndefined();
  });
});

describe("process probe on real processes", () => {
  it("match: finds the process by its command line and names the pids", async () => {
    const secs = `3${tag}.5`;
    const a = await start(SLEEP, [secs]);
    const out = await run({ match: `sleep ${secs.replace(".", "\\.")}$` });
    expect(out.status).toBe("ok");
    expect(out.summary).toBe(`1 process match /sleep ${secs.replace(".", "\\.")}$/: pid ${a.pid}`);
    expect(out.metrics).toMatchObject({ count: 1, zombies: 0 });
  });

  it("none matched is critical and says so; min/max count", async () => {
    const none = await run({ match: "no-such-process-cmdline-xyz" });
    expect(none.status).toBe("critical");
    expect(none.summary).toBe("no process matches /no-such-process-cmdline-xyz/");
    const secs = `4${tag}.25`;
    await start(SLEEP, [secs]);
    await start(SLEEP, [secs]);
    expect((await run({ match: `sleep ${secs}`, max: 1 })).summary).toMatch(/^2 processes match .*, more than 1$/);
    expect((await run({ match: `sleep ${secs}`, max: 1 })).status).toBe("warning");
    expect((await run({ match: `sleep ${secs}`, min: 3 })).status).toBe("critical");
    expect((await run({ match: "no-such-process-cmdline-xyz", min: 0 })).status).toBe("ok");
  });

  it("comm: exact process name, including a name longer than the kernel's 15 characters", async () => {
    const bin = path.join(dir, `wdname${tag}`);
    fs.copyFileSync(SLEEP, bin);
    fs.chmodSync(bin, 0o755);
    const c = await start(bin, ["30"]);
    const one = await run({ comm: `wdname${tag}` });
    expect(one.summary).toBe(`1 process match comm wdname${tag}: pid ${c.pid}`);
    // The detail names the match with its command line (read for the matches only).
    expect(one.detail).toBe(`pid ${c.pid} wdname${tag}: ${bin} 30`);
    const long = path.join(dir, `wd-a-very-long-name-${tag}`);
    fs.copyFileSync(SLEEP, long);
    fs.chmodSync(long, 0o755);
    await start(long, ["30"]);
    expect((await run({ comm: `wd-a-very-long-name-${tag}` })).status).toBe("ok");
    expect((await run({ comm: `wdname` })).status).toBe("critical");
  });

  it("a zombie does not count as alive", async () => {
    const child = path.join(dir, `wdzomb${tag}`);
    fs.copyFileSync(SLEEP, child);
    fs.chmodSync(child, 0o755);
    // sh starts the child in the background, then becomes a sleep that never reaps it: the child turns zombie.
    const parent = spawn("/bin/sh", ["-c", `${child} 0 & exec ${SLEEP} 30`], { stdio: "ignore" });
    children.push(parent);
    let out = await run({ comm: `wdzomb${tag}` });
    for (let i = 0; i < 200 && out.metrics?.zombies !== 1; i++) {
      await new Promise((r) => setTimeout(r, 10));
      out = await run({ comm: `wdzomb${tag}` });
    }
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/^no process matches comm wdzomb\d+; 1 zombie not counted \(pid \d+\)$/);
  });

  it("pidfile: alive, missing file, dead pid", async () => {
    const c = await start(SLEEP, [`5${tag}`]);
    const pidfile = path.join(dir, "svc.pid");
    fs.writeFileSync(pidfile, `${c.pid}\n`);
    expect((await run({ pidfile })).status).toBe("ok");
    expect((await run({ pidfile: path.join(dir, "nope.pid") })).summary).toContain("does not exist");
    const dead = spawn(SLEEP, ["0"]);
    await new Promise((r) => dead.once("exit", r));
    fs.writeFileSync(pidfile, `${dead.pid}`);
    expect((await run({ pidfile })).status).toBe("critical");
  });

  it("max_rss warns on a process over the limit", async () => {
    const secs = `6${tag}`;
    await start(SLEEP, [secs]);
    const out = await run({ match: `sleep ${secs}$`, max_rss: "1KiB" });
    expect(out.status).toBe("warning");
    expect(out.summary).toMatch(/RSS, over 0 MiB$/);
    expect((await run({ match: `sleep ${secs}$`, max_rss: "8GiB" })).status).toBe("ok");
  });

  it("needs exactly one selector", async () => {
    expect((await run({})).status).toBe("unknown");
    expect((await run({ comm: "a", match: "b" })).status).toBe("unknown");
  });

  it("processes that exit while /proc is being read do not break it", async () => {
    // Churn: short-lived processes come and go while the probe walks /proc.
    const churn = spawn("/bin/sh", ["-c", `i=0; while [ $i -lt 400 ]; do ${SLEEP} 0 & i=$((i+1)); done; wait`], {
      stdio: "ignore",
    });
    children.push(churn);
    const done = new Promise((r) => churn.once("exit", r));
    for (let i = 0; i < 20; i++) {
      const out = await run({ match: "sleep 0$", min: 0 });
      expect(out.status).not.toBe("unknown");
    }
    await done;
  });

  it("scanProcesses reads only what the selection needs and skips pids that vanished", async () => {
    const root = path.join(dir, "proc");
    const proc = (pid: number, files: Record<string, string>) => {
      fs.mkdirSync(path.join(root, String(pid)), { recursive: true });
      for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(root, String(pid), f), text);
    };
    proc(100, { stat: "100 (python3) S 1 100", cmdline: "python3\0-m\0vllm\0" });
    proc(101, {}); // exited between readdir and read
    proc(102, { cmdline: "python3\0-m\0vllm\0" }); // exited between its cmdline and its stat
    proc(103, { stat: "103 (kworker/0:1) I 2 0", cmdline: "" }); // a kernel thread: no command line
    proc(104, { stat: "104 (python3) Z 1 104", cmdline: "" }); // a zombie keeps its comm, loses its cmdline
    fs.mkdirSync(path.join(root, "self"));
    // comm: the stat alone; the command line is not read.
    expect(await scanProcesses({ comm: (c) => c === "python3" }, root)).toEqual([
      { pid: 100, comm: "python3", state: "S", cmdline: "" },
      { pid: 104, comm: "python3", state: "Z", cmdline: "" },
    ]);
    // cmdline: the command line of every pid, the stat of the matches only.
    expect(await scanProcesses({ cmdline: (c) => /vllm/.test(c) }, root)).toEqual([
      { pid: 100, comm: "python3", state: "S", cmdline: "python3 -m vllm" },
    ]);
    expect(await scanProcesses({ cmdline: () => true }, root)).toEqual([
      { pid: 100, comm: "python3", state: "S", cmdline: "python3 -m vllm" },
    ]);
  });

  it("process checks probed side by side each get their own answer from one walk of /proc", async () => {
    const root = path.join(dir, "proc-shared");
    const proc = (pid: number, stat: string, cmdline: string) => {
      fs.mkdirSync(path.join(root, String(pid)), { recursive: true });
      fs.writeFileSync(path.join(root, String(pid), "stat"), stat);
      fs.writeFileSync(path.join(root, String(pid), "cmdline"), cmdline);
    };
    proc(200, "200 (my (odd) name) S 1 200 200 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 1\n", "odd\0--serve\0");
    proc(201, "201 (python3) R 1 201 201 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 9 0 1\n", "python3\0-m\0vllm\0");
    proc(202, "202 (kthreadd) S 2", "");
    const [byComm, byLine, all] = await Promise.all([
      scanProcesses({ comm: (c) => c === "my (odd) name" }, root),
      scanProcesses({ cmdline: (c) => /vllm/.test(c) }, root),
      scanProcesses({ cmdline: () => true }, root),
    ]);
    expect(byComm).toEqual([{ pid: 200, comm: "my (odd) name", state: "S", cmdline: "" }]);
    expect(byLine).toEqual([{ pid: 201, comm: "python3", state: "R", cmdline: "python3 -m vllm" }]);
    expect(all.map((p) => p.pid)).toEqual([200, 201]);
  });

  it(
    "reads a command line longer than one page whole, " + "on the main thread and off it (multi-threaded or D state)",
    async () => {
      const root = path.join(dir, "proc-long");
      const args = Array.from({ length: 3000 }, (_, i) => `--arg${i}`);
      // Fields after "(comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
      // cutime cstime priority nice num_threads.
      const procs = [
        [7, "S", 1],
        [8, "S", 12],
        [9, "D", 1],
      ] as const;
      for (const [pid, state, threads] of procs) {
        fs.mkdirSync(path.join(root, String(pid)), { recursive: true });
        fs.writeFileSync(
          path.join(root, String(pid), "stat"),
          `${pid} (java) ${state} 1 ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 ${threads} 0 1`,
        );
        fs.writeFileSync(path.join(root, String(pid), "cmdline"), `java\0${args.join("\0")}\0`);
      }
      const found = await scanProcesses({ cmdline: (c) => c.endsWith("--arg2999") }, root);
      expect(found.map((p) => [p.pid, p.state, p.cmdline])).toEqual(
        procs.map(([pid, state]) => [pid, state, `java ${args.join(" ")}`]),
      );
    },
  );
});
