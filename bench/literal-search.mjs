#!/usr/bin/env node
// The log prefilter's literal search: the WebAssembly one against the plain JavaScript one, on the same log in the same
// run (prints MB/s and the ratio; asserts nothing). It decides whether the WebAssembly search carries its weight.
//   1. The 10 patterns of bench/log-scan.mjs.  2. The same with every cause-catalog pattern.
// Usage: node bench/literal-search.mjs [MiB] [runs]   (default 64 MiB, 7 runs; medians)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { MATCHING, NORMAL, PATTERNS as WORDS } from "./log-lines.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MIB = Number(process.argv[2] ?? 64);
const RUNS = Math.max(3, Number(process.argv[3] ?? 7));

/** load bundles a TypeScript module of src/ on the fly and imports it. */
async function load(file) {
  const out = buildSync({
    entryPoints: [path.join(root, file)],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
}
const { createLinePrefilter } = await load("src/probes/log/log-prefilter.ts");
const { CAUSES } = await load("src/probes/log/catalog/index.ts");

const PATTERNS = WORDS.map((p) => new RegExp(p));
// Every pattern the probe runs for a cause: outright, carriers, weak ones and their evidence.
const patternsOf = (c) => [
  ...c.regexes,
  ...(c.carriers ?? []),
  ...(c.weak?.regexes ?? []),
  ...(c.weak?.evidence ?? []),
];
const CATALOG = [...PATTERNS, ...CAUSES.flatMap(patternsOf)];

// The same service lines as bench/log-scan.mjs, one failure line in 5,000.
const line = (i) => (i % 5000 === 17 ? MATCHING[((i / 5000) % MATCHING.length) | 0] : NORMAL[i % NORMAL.length](i));
const parts = [];
let size = 0;
for (let i = 0; size < MIB * 1024 * 1024; i++) {
  const l = `${line(i)}\n`;
  parts.push(l);
  size += l.length;
}
const buf = Buffer.from(parts.join(""), "latin1");

function mbps(regexes, engine) {
  const pre = createLinePrefilter(regexes, engine);
  const times = [];
  let hits = 0;
  for (let r = 0; r < RUNS; r++) {
    hits = 0;
    const t0 = process.hrtime.bigint();
    pre.candidates(buf, 0, buf.length, () => hits++);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const ms = times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
  return { mbps: buf.length / 1024 / 1024 / (ms / 1000), hits };
}

console.log(`literal search: ${MIB} MiB of log, median of ${RUNS} runs, node ${process.version}`);
console.log("| patterns | WebAssembly MB/s | plain JS MB/s | JS takes |");
console.log("|---|---|---|---|");
for (const [name, regexes] of [
  ["10 patterns", PATTERNS],
  [`with the catalog (${CATALOG.length})`, CATALOG],
]) {
  const wasm = mbps(regexes, "auto");
  const js = mbps(regexes, "js");
  if (wasm.hits !== js.hits)
    console.log(`(the two found a different number of candidate lines: ${wasm.hits} vs ${js.hits})`);
  console.log(
    `| ${name} | ${wasm.mbps.toFixed(0)} | ${js.mbps.toFixed(0)} | ${(wasm.mbps / js.mbps).toFixed(2)}x longer |`,
  );
}
