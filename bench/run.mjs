#!/usr/bin/env node
// watchdog benchmarks (DESIGN §6: timing goals live here, printed as ratios against baselines measured in the same
// run; no test asserts them). Each figure is the median of BENCH_RUNS (default 7, at least 5) runs, baseline and
// subject interleaved so both see the same machine load. Prints a markdown table for the README.
// Usage: npm run bench        (BENCH_RUNS=9 for more runs; BENCH_SKIP_LOG=1 skips bench/log-scan.mjs,
//                               BENCH_SKIP_PROC=1 bench/process-scan.mjs,
//                               BENCH_SKIP_BINARY=1 the single executable)
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "watchdog.cjs");
const binary = path.join(root, "dist", "watchdog");
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 7));
const TIME = ["/usr/bin/time", "/bin/time"].find((p) => fs.existsSync(p));
const SIM_RUNS = 10_000;
if (!fs.existsSync(cli)) throw new Error("dist/watchdog.cjs is missing: run `npm run build` first");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-bench-"));

// Local servers, in this process (the CLI runs as a child, asynchronously, so they keep answering).
const listen = (server) => new Promise((r) => server.listen(0, "127.0.0.1", () => r(server.address().port)));
const tcpPort = await listen(net.createServer((s) => s.end()));
const fastPort = await listen(
  http.createServer((req, res) =>
    req.resume().on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}')),
  ),
);
const slowPort = await listen(
  http.createServer((req, res) => req.resume().on("end", () => setTimeout(() => res.writeHead(200).end("ok"), 1000))),
);
const hungSockets = new Set();
const hung = http.createServer((req) => req.resume());
hung.on("connection", (s) => hungSockets.add(s));
const hungPort = await listen(hung);
const deadPort = await new Promise((r) => {
  const s = net.createServer();
  s.listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});

const write = (name, text) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const header = (state) =>
  `host: bench\nstate_file: ${path.join(dir, state)}\nlog_file: ${path.join(dir, `${state}.log`)}\n`;
const healthyChecks =
  Array.from({ length: 10 }, (_, i) => `  - {name: tcp-${i}, type: tcp, port: ${tcpPort}}\n`).join("") +
  Array.from(
    { length: 10 },
    (_, i) =>
      `  - {name: http-${i}, type: http, url: "http://127.0.0.1:${fastPort}/health", expect: {status: 200, json: ` +
      `{status: ok}}}\n`,
  ).join("");
const healthy = write("healthy.yaml", `${header("healthy.json")}escalation:\n  - after: 1\nchecks:\n${healthyChecks}`);
const smsChannel =
  `channels:\n  sms:\n    type: aliyun-sms\n    access_key_id: AK\n    access_key_secret: SECRET\n` +
  `    sign_name: s\n    template_code: SMS_1\n    phone_numbers: ["13800000000"]\n` +
  `    endpoint: http://127.0.0.1:${deadPort}\n`;
const withSms = write(
  "sms.yaml",
  `${header("sms.json")}${smsChannel}escalation:\n  - after: 3\n    notify: [sms]\nchecks:\n${healthyChecks}`,
);
const slow = write(
  "slow.yaml",
  `${header("slow.json")}escalation:\n  - after: 1\nchecks:\n` +
    Array.from(
      { length: 20 },
      (_, i) => `  - {name: slow-${i}, type: http, url: "http://127.0.0.1:${slowPort}/", timeout: 5s}\n`,
    ).join(""),
);
const HUNG_TIMEOUT_MS = 2000;
const fiveChannels =
  Array.from(
    { length: 4 },
    (_, i) => `  hook${i}: {type: webhook, url: "http://127.0.0.1:${fastPort}/hook${i}"}\n`,
  ).join("") + `  hung: {type: webhook, url: "http://127.0.0.1:${hungPort}/never", timeout: ${HUNG_TIMEOUT_MS}ms}\n`;
const five = (state) =>
  `${header(state)}channels:\n${fiveChannels}escalation:\n  - after: 1\n` +
  `    notify: [hook0, hook1, hook2, hook3, hung]\nchecks:\n` +
  `  - {name: down, type: tcp, port: ${deadPort}, timeout: 1s}\n`;

/** run starts a command and measures wall time (hrtime), and with /usr/bin/time the peak RSS and CPU seconds. */
function run(cmd, args, env = {}) {
  const out = path.join(dir, "time.out");
  const [file, argv] = TIME ? [TIME, ["-f", "%M %U %S", "-o", out, cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    execFile(
      file,
      argv,
      { env: { ...process.env, WATCHDOG_CONFIG: "", ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err) => {
        const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
        let rssKb = NaN;
        let cpuS = NaN;
        if (TIME) {
          const [m, u, s] = fs.readFileSync(out, "utf8").trim().split("\n").pop().split(" ").map(Number);
          rssKb = m;
          cpuS = u + s;
        }
        resolve({ wallMs, rssKb, cpuS, code: err?.code ?? 0 });
      },
    );
  });
}
const node = process.execPath;
const check = (config, extra = []) => run(node, [cli, "--config", config, "check", ...extra]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const med = (rs, k) => median(rs.map((r) => r[k]));

/** pair runs baseline and subject RUNS times, interleaved, after one warm-up of each. */
async function pair(baseline, subject) {
  await baseline();
  await subject();
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(await baseline());
    b.push(await subject());
  }
  return [a, b];
}

const rows = [];
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMb = (kb) => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(1)} MB` : "n/a");
const ratio = (x, y) => `${(x / y).toFixed(2)}×`;
const row = (what, measured, baseline, r, goal) => {
  rows.push([what, measured, baseline, r, goal]);
  console.error(`  ${what}: ${measured} (baseline ${baseline}) ${r}`);
};
const FORMAT = { wallMs: fmtMs, rssKb: fmtMb };
/** versus adds the row of the median `key` of runs `xs` against that of runs `base` (named `baseName`). */
const versus = (what, key, xs, baseName, base, goal, fmt = FORMAT[key]) =>
  row(what, fmt(med(xs, key)), `${baseName}: ${fmt(med(base, key))}`, ratio(med(xs, key), med(base, key)), goal);

console.error(
  `watchdog bench: ${RUNS} runs per figure, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), ` +
    `node ${process.version}`,
);

// 1. Start-up: a healthy run of 20 checks against `node -e 0` (bench/startup.mjs compares builds the same way).
const [base0, healthy20] = await pair(
  () => run(node, ["-e", "0"]),
  () => check(healthy),
);
versus("healthy run, 20 checks (10 tcp, 10 http): wall", "wallMs", healthy20, "node -e 0", base0, "≤ 3.0×");
versus("healthy run, 20 checks: peak RSS", "rssKb", healthy20, "node -e 0", base0, "≤ 1.5×");

// 1b. `watchdog --version`: what loading the CLI costs before any command module is evaluated.
const [baseV, version] = await pair(
  () => run(node, ["-e", "0"]),
  () => run(node, [cli, "--version"]),
);
versus("watchdog --version: wall", "wallMs", version, "node -e 0", baseV, "—");
versus("watchdog --version: peak RSS", "rssKb", version, "node -e 0", baseV, "—");

// 2. Twenty http checks against a server that answers after 1 s: the probes run concurrently.
const slowRuns = [];
await check(slow);
for (let i = 0; i < RUNS; i++) slowRuns.push(await check(slow));
row(
  "20 http checks, server answers after 1 s: wall",
  fmtMs(med(slowRuns, "wallMs")),
  "the 1 s answer",
  ratio(med(slowRuns, "wallMs"), 1000),
  "≤ 1.3 s",
);

// 3. A run that notifies 5 channels, one of which accepts the connection and never answers (its timeout: 2 s).
const fiveRuns = [];
for (let i = 0; i < RUNS; i++) {
  const cfg = write(`five-${i}.yaml`, five(`five-${i}.json`));
  fiveRuns.push(await check(cfg));
  for (const s of hungSockets) s.destroy();
}
row(
  "notify 5 channels, 1 never answers (timeout 2 s): wall",
  fmtMs(med(fiveRuns, "wallMs")),
  `timeout + 1 s: ${fmtMs(HUNG_TIMEOUT_MS + 1000)}`,
  ratio(med(fiveRuns, "wallMs"), HUNG_TIMEOUT_MS + 1000),
  "≤ 1.00×",
);

// 4. The state after 10,000 simulated runs (the pure engine in a loop): its size, and a real run on it.
const simFile = path.join(dir, "simulate.cjs");
await build({
  entryPoints: [path.join(root, "bench", "simulate.ts")],
  bundle: true,
  platform: "node",
  format: "cjs",
  outfile: simFile,
  logLevel: "warning",
});
const { simulate } = createRequire(import.meta.url)(simFile);
const sim = simulate(
  fs
    .readFileSync(healthy, "utf8")
    .replace(
      /escalation:\n  - after: 1\n/,
      "channels:\n  ops: {type: console}\nescalation:\n  - after: 1\n    notify: [ops]\n  - after: 3\n" +
        "    notify: [ops]\nrepeat_every: 10m\n",
    ),
  SIM_RUNS,
  Date.UTC(2026, 0, 1),
);
const simState = path.join(dir, "sim.json");
const bigState = JSON.stringify(sim.state);
const sizeAt = Object.fromEntries(sim.sizes);
row(
  `state file after ${SIM_RUNS.toLocaleString("en")} simulated runs`,
  `${(sizeAt[SIM_RUNS] / 1024).toFixed(1)} KB`,
  `after 100 runs: ${(sizeAt[100] / 1024).toFixed(1)} KB`,
  ratio(sizeAt[SIM_RUNS], sizeAt[100]),
  "bounded (≈ 1×)",
);
row(
  `decide, per run, after ${SIM_RUNS.toLocaleString("en")} runs`,
  `${(sim.lastMsPerRun * 1000).toFixed(0)} µs`,
  `runs 1,000-1,100: ${(sim.firstMsPerRun * 1000).toFixed(0)} µs`,
  ratio(sim.lastMsPerRun, sim.firstMsPerRun),
  "≈ 1×",
);
const simConfig = write("sim.yaml", fs.readFileSync(healthy, "utf8").replace(path.join(dir, "healthy.json"), simState));
fs.writeFileSync(simState, bigState);
await check(simConfig); // settles what the simulation left open (recoveries), as the first real run would
const settled = fs.readFileSync(simState);
const freshState = path.join(dir, "fresh.json");
const freshConfig = write(
  "fresh.yaml",
  fs.readFileSync(healthy, "utf8").replace(path.join(dir, "healthy.json"), freshState),
);
const [freshRuns, simRuns] = await pair(
  async () => (fs.rmSync(freshState, { force: true }), check(freshConfig)),
  async () => (fs.writeFileSync(simState, settled), check(simConfig)),
);
versus(
  `healthy run on the state of ${SIM_RUNS.toLocaleString("en")} runs: wall`,
  "wallMs",
  simRuns,
  "fresh state",
  freshRuns,
  "≈ 1×",
);

// 5. The single executable (npm run build:binary) against the bundled script. `npm run build` removes dist/, so it
// is built here (about a minute) unless BENCH_SKIP_BINARY is set.
if (!fs.existsSync(binary) && !process.env.BENCH_SKIP_BINARY) {
  await new Promise((resolve) =>
    execFile(node, [path.join(root, "scripts", "build-binary.mjs")], { cwd: root }, resolve),
  );
}
if (fs.existsSync(binary)) {
  const [script, bin] = await pair(
    () => check(healthy),
    () => run(binary, ["--config", healthy, "check"]),
  );
  versus("single executable, healthy run: wall", "wallMs", bin, "node dist/watchdog.cjs", script, "≤ 1.15×");
  versus("single executable, healthy run: peak RSS", "rssKb", bin, "node dist/watchdog.cjs", script, "≤ 1.15×");
} else {
  console.error("  single executable: dist/watchdog not built (npm run build:binary): row skipped");
}

// 6. What running every 2 minutes costs: CPU seconds per day (720 runs).
if (TIME) {
  const perDay = (s) => `${(s * 720).toFixed(0)} CPU s/day`;
  versus("CPU per day at one run every 2 min (healthy, 20 checks)", "cpuS", healthy20, "node -e 0", base0, "—", perDay);
}

// 7. A healthy run with an SMS channel configured: the Aliyun SDK is loaded only to send.
const [plainRuns, smsRuns] = await pair(
  () => check(healthy),
  () => check(withSms),
);
versus("healthy run with SMS configured (SDK not loaded): wall", "wallMs", smsRuns, "without SMS", plainRuns, "≈ 1×");

for (const s of hungSockets) s.destroy();
console.log(
  `\nwatchdog bench, ${new Date().toISOString().slice(0, 10)}: median of ${RUNS} runs, ` +
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, node ${process.version}\n`,
);
console.log("| measure | watchdog | baseline (same run) | ratio | goal |");
console.log("|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);

// The log probe against grep (bench/log-scan.mjs), and the process probe against `ps -e` with 5,000 sleeping processes
// (bench/process-scan.mjs), each by its own script, when present.
for (const [script, skip] of [
  ["log-scan.mjs", "BENCH_SKIP_LOG"],
  ["process-scan.mjs", "BENCH_SKIP_PROC"],
]) {
  const file = path.join(root, "bench", script);
  if (!fs.existsSync(file) || process.env[skip]) continue;
  console.log("");
  await new Promise((resolve) => {
    const child = execFile(node, [file], { env: process.env, maxBuffer: 64 * 1024 * 1024 }, resolve);
    child.stdout.pipe(process.stdout);
    child.stderr.pipe(process.stderr);
  });
}
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
