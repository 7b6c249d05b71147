#!/usr/bin/env node
// Start-up A/B bench: `node -e 0`, then for each given command (a built dist/watchdog.cjs, another build's copy of
// it, or the single executable) `--version` and a healthy 20-check run; every subject runs once per round, the
// rounds interleaved so all see the same load. Prints medians and the spread (min-max) of wall, peak RSS and CPU,
// with ratios to `node -e 0`. Asserts nothing. The budget of a healthy cron run: 3x the wall time and 1.5x the peak
// RSS of `node -e 0`.
// Usage: node bench/startup.mjs [runs] [CLI...]   (default: 9 runs, dist/watchdog.cjs; a CLI ending in .cjs runs
//        under node, anything else is executed as is, e.g. dist/watchdog)
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const runs = Math.max(3, Number(process.argv[2] ?? 9));
const clis = process.argv.slice(3).length ? process.argv.slice(3) : ["dist/watchdog.cjs"];
const TIME = ["/usr/bin/time", "/bin/time"].find((p) => fs.existsSync(p));
if (!TIME) throw new Error("needs /usr/bin/time for peak RSS and CPU");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-bench-startup-"));
const listen = (server) => new Promise((r) => server.listen(0, "127.0.0.1", () => r(server.address().port)));
const tcpPort = await listen(net.createServer((s) => s.end()));
const httpPort = await listen(
  http.createServer((req, res) => req.resume().on("end", () => res.writeHead(200).end('{"status":"ok"}'))),
);
const checks =
  Array.from({ length: 10 }, (_, i) => `  - {name: tcp-${i}, type: tcp, port: ${tcpPort}}\n`).join("") +
  Array.from(
    { length: 10 },
    (_, i) => `  - {name: http-${i}, type: http, url: "http://127.0.0.1:${httpPort}/", expect: {status: 200}}\n`,
  ).join("");
// One config and state per CLI, so that no build reads a state file another build wrote.
const configOf = (k) => {
  const config = path.join(dir, `healthy-${k}.yaml`);
  const files = `state_file: ${dir}/s${k}.json\nlog_file: ${dir}/s${k}.log\n`;
  fs.writeFileSync(config, `host: bench\n${files}checks:\n${checks}`);
  return config;
};

function run(argv) {
  const out = path.join(dir, "time.out");
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    execFile(TIME, ["-f", "%M %U %S", "-o", out, ...argv], { env: { ...process.env, WATCHDOG_CONFIG: "" } }, (err) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e6;
      const [rss, u, s] = fs.readFileSync(out, "utf8").trim().split("\n").pop().split(" ").map(Number);
      if (err && err.code !== 2) console.error(`${argv.join(" ")}: exit ${err.code}`);
      resolve({ wall, rss: rss / 1024, cpu: (u + s) * 1000 });
    });
  });
}
const cmd = (cli) => (cli.endsWith(".cjs") ? [process.execPath, path.resolve(cli)] : [path.resolve(cli)]);
const subjects = [["node -e 0", [process.execPath, "-e", "0"]]];
for (const [k, cli] of clis.entries()) {
  subjects.push([`${cli} --version`, [...cmd(cli), "--version"]]);
  subjects.push([`${cli} check (20)`, [...cmd(cli), "--config", configOf(k), "check"]]);
}
const results = subjects.map(() => []);
for (const [, argv] of subjects) await run(argv); // warm-up: the page cache holds each file
for (let i = 0; i < runs; i++) for (const [k, [, argv]] of subjects.entries()) results[k].push(await run(argv));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stat = (rs, k) => {
  const xs = rs.map((r) => r[k]);
  return { med: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
};
const base = { wall: stat(results[0], "wall").med, rss: stat(results[0], "rss").med, cpu: stat(results[0], "cpu").med };
const load = os.loadavg()[0].toFixed(1);
console.log(`startup: ${runs} rounds, ${os.cpus().length} CPUs, load ${load}, node ${process.version}`);
console.log("| subject | wall ms (min-max) | × | peak RSS MB (min-max) | × | CPU ms (min-max) | × |");
console.log("|---|---|---|---|---|---|---|");
const f = (s, d) => `${s.med.toFixed(d)} (${s.min.toFixed(d)}-${s.max.toFixed(d)})`;
for (const [k, [name]] of subjects.entries()) {
  const w = stat(results[k], "wall");
  const r = stat(results[k], "rss");
  const c = stat(results[k], "cpu");
  const x = (a, b) => `${(a / b).toFixed(2)}`;
  const cells = [name, f(w, 0), x(w.med, base.wall), f(r, 1), x(r.med, base.rss), f(c, 0), x(c.med, base.cpu)];
  console.log(`| ${cells.join(" | ")} |`);
}
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
