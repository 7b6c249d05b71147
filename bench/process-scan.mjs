#!/usr/bin/env node
// The process probe against `ps -e` on a box with many processes (DESIGN §6: ratios, never asserted).
// One bash starts PROC_SCAN_COUNT (default 5,000) sleeping `sleep` children in its own process group; then a
// `type: process` check (by comm, and by a cmdline regex; neither matches, so every pid is looked at) runs through the
// built CLI, interleaved with `ps -e`, PROC_SCAN_RUNS (default 5) times each. The figure is the probe's own duration
// (check --json durationMs: node's start-up is not the probe's) against the wall time of `ps -e`. Goal: <= 2x.
// Every sleeper is killed at the end (its whole process group), also when the bench fails; they exit by themselves
// after 15 minutes whatever happens.
// Usage: npm run build && node bench/process-scan.mjs        (PROC_SCAN_COUNT=1000 for a quicker look)
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "watchdog.cjs");
const COUNT = Math.max(1, Number(process.env.PROC_SCAN_COUNT ?? 5000));
const RUNS = Math.max(3, Number(process.env.PROC_SCAN_RUNS ?? 5));
const SPAWN_DEADLINE_MS = Number(process.env.PROC_SCAN_SPAWN_S ?? 600) * 1000;
if (!fs.existsSync(cli)) throw new Error("dist/watchdog.cjs is missing: run `npm run build` first");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-bench-proc-"));
const pidCount = () => fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n)).length;
const before = pidCount();

// The sleepers: one bash, leader of its own process group, so one kill reaches them all.
const sleeper = spawn("bash", ["-c", `for ((i = 0; i < ${COUNT}; i++)); do sleep 900 & done; wait`], {
  detached: true,
  stdio: "ignore",
});
let killed = false;
const killAll = () => {
  if (killed) return;
  killed = true;
  try {
    process.kill(-sleeper.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
};
process.on("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

function run(cmd, args) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    execFile(
      cmd,
      args,
      { env: { ...process.env, WATCHDOG_CONFIG: "" }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => {
        resolve({ wallMs: Number(process.hrtime.bigint() - t0) / 1e6, stdout, code: err?.code ?? 0 });
      },
    );
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const t0 = Date.now();
  let seen = 0;
  // Bounded wait: until the sleepers are all there, or the deadline (a slow box says how many it got).
  while ((seen = pidCount() - before) < COUNT && Date.now() - t0 < SPAWN_DEADLINE_MS)
    await new Promise((r) => setTimeout(r, 200));
  const total = pidCount();
  console.error(
    `process scan: ${seen} sleepers started in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${total} processes in /proc`,
  );

  const config = (name, selector) => {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(
      file,
      `host: bench\nstate_file: ${path.join(dir, `${name}.json`)}\nlog_file: ${path.join(dir, `${name}.log`)}\n` +
        `escalation:\n  - after: 1\nchecks:\n  - {name: proc, type: process, ${selector}, min: 0}\n`,
    );
    return file;
  };
  const cases = [
    ["comm", config("comm", "comm: no-such-comm-xyz")],
    ["cmdline regex", config("match", 'match: "no-such-cmdline-[x]yz"')],
  ];
  const probeMs = async (file) => {
    const r = await run(process.execPath, [cli, "--config", file, "check", "--json"]);
    const check = JSON.parse(r.stdout).checks.find((c) => c.check === "proc");
    if (check.status !== "ok") throw new Error(`process check: ${check.status}: ${check.summary}`);
    return check.durationMs;
  };
  const rows = [];
  for (const [what, file] of cases) {
    await run("ps", ["-e"]);
    await probeMs(file);
    const ps = [];
    const probe = [];
    for (let i = 0; i < RUNS; i++) {
      ps.push((await run("ps", ["-e"])).wallMs);
      probe.push(await probeMs(file));
    }
    rows.push([what, median(probe), median(ps)]);
  }
  console.log(
    `process scan: ${total} processes, median of ${RUNS} runs each, ${os.cpus().length} CPUs, node ${process.version}`,
  );
  console.log("| process check | probe time | ps -e (same run) | ratio | goal |");
  console.log("|---|---|---|---|---|");
  for (const [what, p, ps] of rows)
    console.log(
      `| ${what}, ${total} processes | ${p.toFixed(0)} ms | ${ps.toFixed(0)} ms | ${(p / ps).toFixed(2)}× | ≤ 2× |`,
    );
} finally {
  killAll();
  fs.rmSync(dir, { recursive: true, force: true });
}
