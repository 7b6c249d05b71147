// Soak: the built daemon with 20 checks every 2 s beside an idle Node process, printing both resident sizes, their
// ratio and the daemon's CPU per cycle over time; with monit installed, monit's CPU per cycle on the same checks too.
// Usage: node bench/soak.mjs [--minutes 10] [--every 30] [--interval 2] [--only tcp,http,process,log]
// (the hour is for a manual run; --only keeps the checks of those types, in both daemons, to see what each costs)
// Hunting growth: WATCHDOG_DEBUG_MEMORY=1 SOAK_NODE_ARGS=--expose-gc prints the daemon's live heap per space after
// each run (stderr); SOAK_NODE_ARGS=--heapsnapshot-signal=SIGUSR2 and SOAK_CWD=DIR give heap snapshots to compare.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// SOAK_CLI: another build to soak (a copy of dist/ from before a change), for a before/after pair.
const CLI = process.env.SOAK_CLI ?? path.join(root, "dist", "watchdog.cjs");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const minutes = arg("minutes", 10);
const every = arg("every", 30);
const interval = arg("interval", 2);
const onlyAt = process.argv.indexOf("--only");
const only = onlyAt > 0 ? new Set(process.argv[onlyAt + 1].split(",")) : undefined;
const kept = (type) => !only || only.has(type);
const TICK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

const statusKiB = (pid, key) =>
  Number(new RegExp(`${key}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
const rssKiB = (pid) => statusKiB(pid, "VmRSS");
/** cpuTicks is utime+stime of a process (fields 14 and 15 of /proc/PID/stat, after the parenthesised name). */
const cpuTicks = (pid) => {
  const rest = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(rest[11]) + Number(rest[12]);
};
const mib = (kib) => (kib / 1024).toFixed(1);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-soak-"));
const children = [];
const servers = [];
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});
process.on("SIGINT", () => process.exit(130));

const listen = (srv) => new Promise((r) => srv.listen(0, "127.0.0.1", () => r(srv.address().port)));
const tcpPorts = [];
const httpPorts = [];
for (let i = 0; i < 8; i++) {
  const t = net.createServer((s) => s.end());
  const h = http.createServer((_q, res) => res.end("ok\n"));
  servers.push(t, h);
  tcpPorts.push(await listen(t));
  httpPorts.push(await listen(h));
}
const logFile = path.join(dir, "app.log");
fs.writeFileSync(logFile, "");
const logWriter = setInterval(() => fs.appendFileSync(logFile, `${new Date().toISOString()} INFO served\n`), 500);

// 8 tcp + 8 http + 2 process + 2 log = 20 checks, all ok, so no notification traffic muddies the figures.
const url = (port) => `http://127.0.0.1:${port}/health`;
const checks = [
  ...(kept("tcp") ? tcpPorts.map((p, i) => `  - {name: tcp${i}, type: tcp, host: 127.0.0.1, port: ${p}}`) : []),
  ...(kept("http") ? httpPorts.map((p, i) => `  - {name: http${i}, type: http, url: "${url(p)}"}`) : []),
  ...(kept("process") ? [`  - {name: proc0, type: process, comm: node, min: 1}`] : []),
  ...(kept("process") ? [`  - {name: proc1, type: process, match: "node .*soak", min: 1}`] : []),
  ...(kept("log") ? [`  - {name: log0, type: log, path: ${logFile}, patterns: ["Traceback"]}`] : []),
  ...(kept("log") ? [`  - {name: log1, type: log, path: ${logFile}, patterns: ["CUDA out of memory"]}`] : []),
];
const config = path.join(dir, "watchdog.yaml");
fs.writeFileSync(
  config,
  `state_file: ${path.join(dir, "state.json")}\ninterval: ${interval}s\nchannels:\n  out: {type: console}\n` +
    `escalation:\n  - after: 1\n    notify: [out]\nchecks:\n${checks.join("\n")}\n`,
);

const env = { ...process.env, HOME: dir, WATCHDOG_CONFIG: "" };
// SOAK_NODE_ARGS: Node options for the daemon only while hunting (e.g. --cpu-prof, --heapsnapshot-signal=SIGUSR2).
const nodeArgs = (process.env.SOAK_NODE_ARGS ?? "").split(" ").filter(Boolean);
const daemon = spawn(process.execPath, [...nodeArgs, CLI, "-c", config, "daemon"], {
  env,
  cwd: process.env.SOAK_CWD ?? dir,
  stdio: ["ignore", "pipe", "inherit"],
});
children.push(daemon);
let runs = 0;
daemon.stdout.on("data", (c) => (runs += (String(c).match(/^run: /gm) ?? []).length));
const idle = spawn(process.execPath, ["-e", "setInterval(()=>{},1000)"], { stdio: "ignore" });
children.push(idle);

// Monit on equivalent checks (16 port checks, 2 process checks, 2 file checks), `set daemon <interval>`.
let monit;
const monitBin = spawnSync("sh", ["-c", "command -v monit"], { encoding: "utf8" }).stdout.trim();
if (monitBin) {
  const rc = path.join(dir, "monitrc");
  const lines = [
    `set daemon ${interval}`,
    `set pidfile ${dir}/monit.pid`,
    `set idfile ${dir}/monit.id`,
    `set statefile ${dir}/monit.state`,
    `set logfile ${dir}/monit.log`,
  ];
  for (const [i, p] of kept("tcp") ? tcpPorts.entries() : [])
    lines.push(`check host tcp${i} with address 127.0.0.1`, `  if failed port ${p} type tcp then alert`);
  for (const [i, p] of kept("http") ? httpPorts.entries() : [])
    lines.push(
      `check host http${i} with address 127.0.0.1`,
      `  if failed port ${p} protocol http request "/health" then alert`,
    );
  if (kept("process")) lines.push(`check process proc0 matching "node"`, `check process proc1 matching "node .*soak"`);
  if (kept("log")) {
    lines.push(`check file log0 with path ${logFile}`, `  if content = "Traceback" then alert`);
    lines.push(`check file log1 with path ${logFile}`, `  if content = "CUDA out of memory" then alert`);
  }
  fs.writeFileSync(rc, lines.join("\n") + "\n", { mode: 0o600 });
  monit = spawn(monitBin, ["-I", "-c", rc], { stdio: "ignore" });
  children.push(monit);
}

await new Promise((r) => setTimeout(r, 3000));
const start = { at: Date.now(), daemon: cpuTicks(daemon.pid), runs, monit: monit ? cpuTicks(monit.pid) : 0 };
const first = { daemon: rssKiB(daemon.pid), idle: rssKiB(idle.pid) };
console.log(
  `soak: ${minutes} min, ${checks.length} checks every ${interval}s; node ${process.version}; ` +
    `monit: ${monit ? monitBin : "not installed (apt-get install monit)"}`,
);
// Of the daemon's resident memory, "file" is pages of the node binary and libraries (built-in modules, the optimizing
// compilers' code), "anon" the V8 heap, malloc and buffers: what the daemon's own code can change is mostly in anon.
const idleSplit = `file ${mib(statusKiB(idle.pid, "RssFile"))}, anon ${mib(statusKiB(idle.pid, "RssAnon"))} MiB`;
console.log(`  (the idle Node process: ${idleSplit})`);
const columns = "  t(s)  daemon MiB  (file  anon)  idle MiB  ratio  runs  daemon ms CPU/cycle";
console.log(columns + (monit ? "  monit ms CPU/cycle" : ""));
const row = () => {
  const t = (Date.now() - start.at) / 1000;
  const d = rssKiB(daemon.pid);
  const i = rssKiB(idle.pid);
  const split = `(${mib(statusKiB(daemon.pid, "RssFile"))} ${mib(statusKiB(daemon.pid, "RssAnon"))})`;
  const n = runs - start.runs;
  const perCycle = (ticks) => (n ? ((ticks * 1000) / TICK / n).toFixed(2) : "-");
  // Monit runs one cycle per interval: its cycles are counted from the clock, not from its output.
  const monitCycles = Math.max(1, Math.floor(t / interval));
  const monitMs = monit ? (((cpuTicks(monit.pid) - start.monit) * 1000) / TICK / monitCycles).toFixed(2) : "";
  console.log(
    `${t.toFixed(0).padStart(6)}  ${mib(d).padStart(10)}  ${split.padStart(12)}  ${mib(i).padStart(8)}` +
      `  ${(d / i).toFixed(2).padStart(5)}` +
      `  ${String(n).padStart(4)}  ${perCycle(cpuTicks(daemon.pid) - start.daemon).padStart(19)}` +
      (monit ? `  ${monitMs.padStart(18)}` : ""),
  );
  return d / i;
};
row();
const timer = setInterval(row, every * 1000);
await new Promise((r) => setTimeout(r, minutes * 60_000));
clearInterval(timer);
const endRatio = row();
console.log(`ratio start ${(first.daemon / first.idle).toFixed(2)}, end ${endRatio.toFixed(2)}`);
clearInterval(logWriter);
for (const s of servers) s.close();
// SIGTERM lets the daemon end as it would under systemd (and write a --cpu-prof profile).
const ended = new Promise((r) => daemon.once("exit", r));
daemon.kill("SIGTERM");
await Promise.race([ended, new Promise((r) => setTimeout(r, 10_000))]);
process.exit(0);
