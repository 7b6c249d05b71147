#!/usr/bin/env node
// Log probe throughput against GNU grep, measured in the same run on the same file (DESIGN §6: ratios, never asserted).
//   1. The built CLI (`watchdog check`) scans LOG_SCAN_BYTES (default 1 GiB) of freshly appended log with 10 patterns,
//      against `grep -cE` with the same 10 patterns on the same file. Median of LOG_SCAN_RUNS (default 3) runs each,
//      interleaved so that both see the same machine load. Peak RSS from /usr/bin/time -f %M.
//      The same with the built-in cause catalog on, against `grep -cE -f` with the same number of patterns (the 10 and
//      each catalog regex, rewritten as POSIX ERE: lookarounds dropped, \d \s \w spelled as classes).
//   2. A second run with no new bytes against the same config without the log check.
// The log has one hostile line (64 KiB, see HOSTILE) per 20,000 lines.
// Usage: npm run build && node bench/log-scan.mjs        (LOG_SCAN_BYTES=268435456 for a quicker look)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { MATCHING, NORMAL, PATTERNS } from "./log-lines.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "watchdog.cjs");
const BYTES = Number(process.env.LOG_SCAN_BYTES ?? 1024 ** 3);
const RUNS = Math.max(3, Number(process.env.LOG_SCAN_RUNS ?? 3));
const TIME = ["/usr/bin/time", "/bin/time"].find((p) => fs.existsSync(p));

// One hostile line per 20,000 (a 64 KiB line of `return code` and spaces): quadratic for the catalog's
// `return code\s*=?\s*-11\b` in a backtracking engine (seconds each), linear for watchdog's and for grep's.
const HOSTILE = `return code${" ".repeat(64 * 1024 - 12)}`;

/** catalogPatterns is every built-in cause regex as POSIX ERE, from the TypeScript source (bundled on the fly). */
async function catalogPatterns() {
  const out = buildSync({
    entryPoints: [path.join(root, "src/probes/log/catalog/index.ts")],
    bundle: true,
    format: "esm",
    write: false,
  });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
  const ere = (src) =>
    src
      .replace(/\(\?<?[=!](?:[^()]|\([^()]*\))*\)/g, "")
      .replace(/\(\?:/g, "(")
      .replace(/\\d/g, "[0-9]")
      .replace(/\\S/g, "[^[:space:]]")
      .replace(/\\s/g, "[[:space:]]")
      .replace(/\\w/g, "[[:alnum:]_]")
      .replace(/\\\//g, "/");
  // Every pattern the probe runs for a cause: outright, carriers, weak ones and their evidence.
  const all = (c) => [...c.regexes, ...(c.carriers ?? []), ...(c.weak?.regexes ?? []), ...(c.weak?.evidence ?? [])];
  return mod.CAUSES.flatMap((c) => all(c).map((r) => ere(r.source)));
}

function generate(file, bytes) {
  const fd = fs.openSync(file, "w");
  let written = 0;
  let i = 0;
  try {
    while (written < bytes) {
      const lines = [];
      for (let k = 0; k < 20000; k++, i++) {
        if (k === 10000) lines.push(HOSTILE);
        lines.push(
          i % 4999 === 17 ? `${MATCHING[((i / 4999) % MATCHING.length) | 0]} #${i}` : NORMAL[i % NORMAL.length](i),
        );
      }
      const chunk = Buffer.from(lines.join("\n") + "\n");
      const n = Math.min(chunk.length, bytes - written);
      const cut = n < chunk.length ? chunk.subarray(0, chunk.lastIndexOf(10, n - 1) + 1) : chunk;
      if (cut.length === 0) break;
      fs.writeSync(fd, cut);
      written += cut.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

/** timed runs argv under /usr/bin/time (when present) and returns wall ms, peak RSS in KiB and stdout. */
function timed(argv) {
  const full = TIME ? [TIME, "-f", "%M", ...argv] : argv;
  const t = performance.now();
  // stdout goes to a pipe: GNU grep stops at the first match when its output is /dev/null.
  const r = spawnSync(full[0], full.slice(1), { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t;
  if (r.error) throw r.error;
  const lines = (r.stderr ?? "").trim().split("\n");
  const rss = TIME ? Number(lines[lines.length - 1]) : NaN;
  return { ms, rss, stdout: r.stdout ?? "", status: r.status };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const yaml = (
  dir,
  withLog,
  causes = "none",
) => `state_file: ${JSON.stringify(path.join(dir, withLog ? `state-${causes}.json` : "state-without-log.json"))}
channels:
  console: {type: console}
escalation:
  - after: 1
    notify: [console]
checks:${withLog ? "" : " []"}
${
  withLog
    ? `  - name: applog
    type: log
    path: ${JSON.stringify(path.join(dir, "app.log"))}
    from: start
    causes: ${causes}
    patterns:
${PATTERNS.map((p) => `      - ${JSON.stringify(p)}`).join("\n")}
`
    : ""
}`;

if (!fs.existsSync(cli)) {
  console.error("dist/watchdog.cjs is missing: run `npm run build` first");
  process.exit(1);
}
const dir = fs.mkdtempSync(path.join("/tmp", "wd-bench-log-"));
try {
  const log = path.join(dir, "app.log");
  const withLog = path.join(dir, "with-log.yaml");
  const without = path.join(dir, "without-log.yaml");
  fs.writeFileSync(withLog, yaml(dir, true));
  fs.writeFileSync(without, yaml(dir, false));
  const withCatalog = path.join(dir, "with-catalog.yaml");
  fs.writeFileSync(withCatalog, yaml(dir, true, "builtin"));
  const size = generate(log, BYTES);
  const state = path.join(dir, "state-none.json");
  const check = (cfg) => ["node", cli, "check", "--config", cfg];
  const grepArgv = ["grep", "-cE", PATTERNS.join("|"), log];
  const allPatterns = path.join(dir, "patterns.txt");
  const catalog = await catalogPatterns();
  fs.writeFileSync(allPatterns, [...PATTERNS, ...catalog].join("\n") + "\n");
  const grepAllArgv = ["grep", "-cE", "-f", allPatterns, log];
  // Warm the page cache once for both: the bench measures scanning, not the disk.
  timed(grepArgv);

  const w = [];
  const g = [];
  const cat = [];
  const gAll = [];
  let wdCount = NaN;
  let grepCount = NaN;
  for (let r = 0; r < RUNS; r++) {
    fs.rmSync(state, { force: true });
    fs.rmSync(`${state}.lock`, { force: true });
    const a = timed(check(withLog));
    w.push(a);
    wdCount = Number(/(\d+) new matching lines?/.exec(a.stdout)?.[1] ?? NaN);
    const b = timed(grepArgv);
    g.push(b);
    grepCount = Number(b.stdout.trim());
    fs.rmSync(path.join(dir, "state-builtin.json"), { force: true });
    cat.push(timed(check(withCatalog)));
    gAll.push(timed(grepAllArgv));
  }
  // Second run with no new bytes, against the same config without the log check: median of 4×RUNS each.
  const idle = [];
  const base = [];
  // ABBA order: whichever of a back-to-back pair runs first is a few percent slower, so alternate who goes first.
  for (let r = 0; r < RUNS * 4; r++) {
    if (r % 2 === 0) {
      idle.push(timed(check(withLog)).ms);
      base.push(timed(check(without)).ms);
    } else {
      base.push(timed(check(without)).ms);
      idle.push(timed(check(withLog)).ms);
    }
  }
  const wMs = median(w.map((x) => x.ms));
  const gMs = median(g.map((x) => x.ms));
  const mib = size / 1048576;
  const cMs = median(cat.map((x) => x.ms));
  const gAllMs = median(gAll.map((x) => x.ms));
  const n = PATTERNS.length + catalog.length;
  const rows = [
    ["watchdog check (log probe, 10 patterns)", wMs, mib / (wMs / 1000), Math.max(...w.map((x) => x.rss))],
    ["watchdog check (the same + built-in cause catalog)", cMs, mib / (cMs / 1000), Math.max(...cat.map((x) => x.rss))],
    [
      `grep -cE (same 10 patterns, ${process.env.LC_ALL || process.env.LANG || "default locale"})`,
      gMs,
      mib / (gMs / 1000),
      Math.max(...g.map((x) => x.rss)),
    ],
    [
      `grep -cE -f (the same ${n} patterns as with the catalog)`,
      gAllMs,
      mib / (gAllMs / 1000),
      Math.max(...gAll.map((x) => x.rss)),
    ],
  ];
  console.log(
    `log scan: ${mib.toFixed(0)} MiB, ${RUNS} runs each (median), ${os.cpus().length} CPUs, node ${process.version}`,
  );
  console.log("| run | median time | throughput | peak RSS |");
  console.log("|---|---|---|---|");
  for (const [name, ms, mbs, rss] of rows)
    console.log(
      `| ${name} | ${ms.toFixed(0)} ms | ${mbs.toFixed(0)} MiB/s | ` +
        `${Number.isFinite(rss) ? `${(rss / 1024).toFixed(0)} MB` : "n/a"} |`,
    );
  console.log(`throughput ratio watchdog/grep: ${(gMs / wMs).toFixed(2)}× (goal ≥ 1.0×, never below 0.5×)`);
  console.log(
    `with the cause catalog on (${n} patterns): ${(gAllMs / cMs).toFixed(2)}× grep with the same ${n} patterns, ` +
      `${(gMs / cMs).toFixed(2)}× grep with the 10`,
  );
  console.log(
    `matching lines: watchdog ${wdCount}, grep ${grepCount}${wdCount === grepCount ? " (agree)" : " (DIFFER)"}`,
  );
  const i = median(idle);
  const b = median(base);
  console.log(
    `second run, no new bytes: ${i.toFixed(0)} ms vs ${b.toFixed(0)} ms without the log check ` +
      `(${(((i - b) / b) * 100).toFixed(1)}%, goal within ±10%)`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
