#!/usr/bin/env node
// A run with `status_page` and a full history (3 files of history_max_size, 10 MB each: the documented bound),
// against the same run with an empty history. Prints wall time and peak RSS, medians of BENCH_RUNS (default 5)
// interleaved runs, and their ratios. Nothing here is asserted by a test (DESIGN §6).
// Usage: npm run build && node bench/status-page-history.mjs
import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "watchdog.cjs");
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 5));
const TIME = ["/usr/bin/time", "/bin/time"].find((p) => fs.existsSync(p));
if (!TIME) throw new Error("needs /usr/bin/time (GNU time) for the peak RSS");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-bench-page-"));
const server = net.createServer((s) => s.end());
const port = await new Promise((r) => server.listen(0, "127.0.0.1", () => r(server.address().port)));
const CHECKS = 20;
const DAY = 86_400_000;
const now = Date.now();

function setup(name, historyBytes) {
  const d = path.join(dir, name);
  fs.mkdirSync(d);
  const checks = Array.from({ length: CHECKS }, (_, i) => `  - {name: svc-${i}, type: tcp, port: ${port}}\n`).join("");
  const config = path.join(d, "watchdog.yaml");
  fs.writeFileSync(
    config,
    `host: bench\nstate_file: ${d}/state.json\nstatus_page: {path: ${d}/status.html}\n` +
      `escalation:\n  - after: 1\nchecks:\n${checks}`,
  );
  // Three generations, oldest first, each just under history_max_size; the events spread over the last 30 days.
  const per = Math.floor(historyBytes / 3);
  let at = now - 30 * DAY;
  for (const file of ["history.jsonl.2", "history.jsonl.1", "history.jsonl"]) {
    if (!per) break;
    const lines = [];
    let size = 0;
    for (let n = 0; size < per - 400; n++) {
      const check = `svc-${n % CHECKS}`;
      const down = n % 2 === 0;
      const e = down
        ? {
            at,
            type: "transition",
            check,
            from: "ok",
            to: "critical",
            summary: `127.0.0.1:${port} refused (ECONNREFUSED)`,
          }
        : { at, type: "transition", check, from: "critical", to: "ok", summary: `127.0.0.1:${port} accepted in 1ms` };
      const line = JSON.stringify(e);
      lines.push(line);
      size += line.length + 1;
      at += 9_000; // about 30 days of events in 30 MB: a week's worth in the live file alone
    }
    fs.writeFileSync(path.join(d, file), `${lines.join("\n")}\n`, { mode: 0o600 });
  }
  return config;
}

function run(config) {
  const out = path.join(dir, "time.txt");
  return new Promise((resolve) => {
    const started = performance.now();
    execFile(TIME, ["-f", "%M", "-o", out, process.execPath, cli, "check", "-c", config], () => {
      const wallMs = performance.now() - started;
      resolve({ wallMs, rssKb: Number(fs.readFileSync(out, "utf8").trim().split("\n").pop()) });
    });
  });
}

const empty = setup("empty", 0);
const full = setup("full", 30_000_000);
const base = { wall: [], rss: [] };
const big = { wall: [], rss: [] };
await run(empty);
await run(full);
for (let i = 0; i < RUNS; i++) {
  for (const [config, into] of [
    [empty, base],
    [full, big],
  ]) {
    const r = await run(config);
    into.wall.push(r.wallMs);
    into.rss.push(r.rssKb);
  }
}
const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (what, a, b, unit) =>
  console.log(`| ${what} | ${a.toFixed(0)} ${unit} | ${b.toFixed(0)} ${unit} | ${(b / a).toFixed(2)}× |`);
console.log(`| healthy run, ${CHECKS} checks, status_page | empty history | 30 MB history | ratio |`);
console.log("|---|---|---|---|");
row("wall (median)", med(base.wall), med(big.wall), "ms");
row("peak RSS (median)", med(base.rss) / 1024, med(big.rss) / 1024, "MB");
server.close();
fs.rmSync(dir, { recursive: true, force: true });
