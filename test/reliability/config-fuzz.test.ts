import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { startCli, STEP_MS, tempDir } from "./harness.js";

// Config fuzzing: every mutated config either validates or is refused with FILE:LINE:COL messages; no crash, no hang.
// Nothing here is timed: a hang is caught by each CLI run's deadline (STEP_MS) or the test's limit, and "refused
// without expanding it" is asserted by what refused it (the size limit, the alias counter), not by how fast.
const CASES = 1200;
const CLI_SAMPLE = 40;
/** A limit for a whole test that is a few hundred quick runs, on a machine ten times slower than an idle laptop. */
const SLOW_MACHINE_MS = 600_000;
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);

const BASE = `host: gpu-box-01
locale: zh-CN
state_file: /tmp/wd-fuzz/state.json
run_timeout: 90s
channels:
  email:
    type: email
    host: smtp.example.com
    port: 465
    secure: true
    user: alert@example.com
    pass: \${SMTP_PASS}
    from: "watchdog <alert@example.com>"
    to: [admin@example.com, ops@example.com]
  ding:
    type: dingtalk
    webhook: https://oapi.dingtalk.com/robot/send?access_token=\${DING_TOKEN}
    secret: \${DING_SECRET}
    at_mobiles: ["13800000000"]
    min_severity: critical
    fallback: [email]
  hook:
    type: webhook
    url: http://127.0.0.1:9/hook
    headers: {Authorization: "Bearer \${HOOK_TOKEN}"}
    timeout: 5s
  am:
    type: alertmanager
    urls: [http://127.0.0.1:9093, http://127.0.0.1:9094]
    resend_every: 2m
escalation:
  - after: 1
    notify: [email]
  - after: 3
    within: 5
    notify: [ding, hook, am]
    restart: true
repeat_every: 30m
recover_after: 2
outbox: {max_age: 12h}
metrics: {textfile: /tmp/wd-fuzz/watchdog.prom}
checks:
  - name: cosyvoice-port
    type: tcp
    host: 127.0.0.1
    port: 7860
    timeout: 5s
    runbook: "journalctl -u cosyvoice -n 50"
    labels: {team: speech, tier: "1"}
    restart:
      command: [systemctl, restart, cosyvoice]
      timeout: 60s
      verify_after: 15s
      limit: {max: 2, within: 30m}
  - name: cosyvoice-health
    type: http
    url: http://127.0.0.1:7860/health
    depends_on: [cosyvoice-port]
    expect: {status: 200, json: {status: ok, model_loaded: true}, max_latency: 5s}
  - name: host
    type: system
    disk: {paths: ["/"], warning: 85, critical: 95}
    memory: {warning: 90, critical: 97}
`;

const ENV = {
  SMTP_PASS: "smtp-pass-1",
  DING_TOKEN: "ding-token-1",
  DING_SECRET: "SECding1",
  HOOK_TOKEN: "hook-token-1",
};

/** mulberry32 is a small seeded PRNG, so a failing case can be replayed with FUZZ_SEED. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const WEIRD: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  99999999999999999999,
  "",
  " ",
  "0",
  "-5s",
  "1e999",
  "NaN",
  "Infinity",
  "🚀🔥",
  "\u202eRTL\u202c",
  "zero\u200bwidth",
  "nul\u0000byte",
  "x".repeat(10_000),
  "中文检查",
  "${UNSET_VAR}",
  "$${ESCAPED}",
  "${X:-fallback}",
  [],
  [1, 2],
  [{}],
  {},
  { nested: { deeper: [null] } },
  "http://",
  "http://[::1",
  "10xs",
  "1h30m",
  "-1",
  "999999999999d",
];

/** paths lists every path to a value in a JS tree. */
function paths(node: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(node)) node.forEach((v, i) => paths(v, [...at, i], out));
  else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) paths(v, [...at, k], out);
  return out;
}

function getAt(root: unknown, at: (string | number)[]): unknown {
  return at.reduce<unknown>(
    (n, k) => (n && typeof n === "object" ? (n as Record<string | number, unknown>)[k] : undefined),
    root,
  );
}

/** mutateTree applies 1-4 structural mutations: delete, wrong type, weird value, renamed key, duplicated item. */
function mutateTree(rnd: Rnd, data: unknown): unknown {
  const root = structuredClone(data) as Record<string, unknown>;
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const all = paths(root).filter((p) => p.length > 0);
    const at = pick(rnd, all);
    const parent = getAt(root, at.slice(0, -1)) as Record<string | number, unknown> | unknown[];
    const key = at[at.length - 1]!;
    if (!parent || typeof parent !== "object") continue;
    const op = Math.floor(rnd() * 5);
    if (op === 0) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as Record<string, unknown>)[key];
    } else if (op === 1 || op === 2) {
      (parent as Record<string | number, unknown>)[key] = structuredClone(pick(rnd, WEIRD));
    } else if (op === 3 && !Array.isArray(parent)) {
      const v = (parent as Record<string, unknown>)[key];
      delete (parent as Record<string, unknown>)[key];
      (parent as Record<string, unknown>)[
        `${String(key)}${pick(rnd, ["s", "_", "X", "🙂", ""])}${rnd() < 0.3 ? String(key) : ""}`
      ] = v;
    } else if (Array.isArray(parent)) {
      parent.push(structuredClone(parent[Number(key)]));
    }
  }
  return root;
}

/** mutateText damages the YAML text itself: truncation, inserted bytes, swapped or re-indented lines, anchors. */
function mutateText(rnd: Rnd, text: string): string {
  const lines = text.split("\n");
  switch (Math.floor(rnd() * 7)) {
    case 0:
      return text.slice(0, Math.floor(rnd() * text.length));
    case 1: {
      const at = Math.floor(rnd() * text.length);
      return (
        text.slice(0, at) +
        pick(rnd, [
          ":",
          "- ",
          "\t",
          "{",
          "]",
          "&a ",
          "*a",
          "!!binary ",
          "|\n",
          "? ",
          "%YAML 1.1\n",
          "\u0000",
          "'",
          '"',
          "#",
          "<<: *x\n",
        ]) +
        text.slice(at)
      );
    }
    case 2: {
      const i = Math.floor(rnd() * lines.length);
      const j = Math.floor(rnd() * lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join("\n");
    }
    case 3: {
      const i = Math.floor(rnd() * lines.length);
      lines[i] = (rnd() < 0.5 ? " " : "\t") + lines[i];
      return lines.join("\n");
    }
    case 4: {
      const i = Math.floor(rnd() * lines.length);
      lines.splice(i, 0, lines[Math.floor(rnd() * lines.length)]!);
      return lines.join("\n");
    }
    case 5:
      // An anchor on one value, an alias to it somewhere else (may be the wrong type there).
      return text
        .replace("timeout: 5s", "timeout: &t 5s")
        .replace("max_age: 12h", pick(rnd, ["max_age: *t", "max_age: *nope", "max_age: [*t, *t]"]));
    default:
      return (
        `${text}\n` +
        pick(rnd, [
          "checks: []",
          "---\nsecond: doc",
          "...",
          "host: [",
          "channels: !!map {}",
          "escalation: *undefined_alias",
        ]) +
        "\n"
      );
  }
}

/** billionLaughs is the alias bomb: each level refers 9 times to the one before. */
function billionLaughs(levels: number, where: "top" | "label"): string {
  const out = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= levels; i++)
    out.push(`l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(",")}]`);
  if (where === "top") return `${out.join("\n")}\nchecks: []\n`;
  return (
    `x-bomb:\n${out.map((l) => `  ${l}`).join("\n")}\nchecks:\n  - name: a\n    type: tcp\n    port: 1\n` +
    `    labels: *l${levels}\n`
  );
}

const FILE = "/etc/watchdog/fuzz.yaml";
const POSITION = /^\/etc\/watchdog\/fuzz\.yaml:\d+:\d+: /;

/** judge parses one text in-process and returns what went wrong, or undefined. */
function judge(text: string): { problem?: string; ms: number; valid: boolean; issues: string[] } {
  const started = performance.now();
  try {
    parseConfig(text, {
      file: FILE,
      env: ENV,
      hostname: "fuzz-host",
      readFile: () => {
        throw Object.assign(new Error("no such file"), { code: "ENOENT" });
      },
    });
    return { ms: performance.now() - started, valid: true, issues: [] };
  } catch (err) {
    const ms = performance.now() - started;
    if (!(err instanceof ConfigError))
      return { problem: `crash: ${(err as Error)?.stack ?? String(err)}`, ms, valid: false, issues: [] };
    const bad = err.issues.filter((i) => !POSITION.test(i));
    if (!err.issues.length) return { problem: "ConfigError without issues", ms, valid: false, issues: [] };
    if (bad.length)
      return {
        problem: `issue without FILE:LINE:COL: ${JSON.stringify(bad[0]).slice(0, 300)}`,
        ms,
        valid: false,
        issues: err.issues,
      };
    return { ms, valid: false, issues: err.issues };
  }
}

let dir: string;
beforeAll(() => {
  dir = tempDir("fuzz");
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it("the base config is valid", () => {
  expect(judge(BASE)).toMatchObject({ valid: true });
});

it(
  `${CASES} mutated configs (seed ${SEED}): each validates or gives FILE:LINE:COL, none crashes or hangs`,
  async () => {
    const rnd = mulberry32(SEED);
    const base = parseYaml(BASE) as unknown;
    const problems: string[] = [];
    let valid = 0;
    let slowest = 0;
    for (let i = 0; i < CASES; i++) {
      // Yield now and then: vitest's worker must answer its runner within 60 s (a fixed RPC timeout), and on a busy
      // machine the whole loop, run in one go, took longer ("Timeout calling onTaskUpdate" with every test green).
      if (i % 25 === 0) await new Promise((r) => setImmediate(r));
      const text =
        rnd() < 0.6
          ? stringify(mutateTree(rnd, base))
          : mutateText(rnd, rnd() < 0.3 ? stringify(mutateTree(rnd, base)) : BASE);
      const r = judge(text);
      slowest = Math.max(slowest, r.ms);
      if (r.valid) valid += 1;
      if (r.problem) problems.push(`case ${i}: ${r.problem}\n--- config ---\n${text.slice(0, 1500)}`);
    }
    console.log(
      `config fuzz: ${CASES} cases, ${valid} valid, ${CASES - valid} refused with positions; ` +
        `slowest ${Math.round(slowest)} ms`,
    );
    expect(problems.slice(0, 3)).toEqual([]);
    // The mutations are not all fatal: some still validate, most do not.
    expect(valid).toBeGreaterThan(0);
    expect(valid).toBeLessThan(CASES);
  },
  SLOW_MACHINE_MS,
);

// The refusal names what stopped it: the alias counter (9^9 values never built), the unresolved alias, the cycle.
const EXCESSIVE_ALIASES = /Excessive alias count/;
it.each([
  ["alias bomb at the top level", billionLaughs(9, "top"), EXCESSIVE_ALIASES],
  ["alias bomb used as labels", billionLaughs(9, "label"), EXCESSIVE_ALIASES],
  ["an alias to an anchor that does not exist", "checks: *nothing\n", /Unresolved alias/],
  [
    "a self-referencing merge key",
    "a: &a\n  <<: *a\nchecks: []\n",
    /an alias refers to a mapping or list that contains it/,
  ],
])("%s: refused with a position, without being expanded", (_name, text, why) => {
  const r = judge(text);
  expect(r.problem).toBeUndefined();
  expect(r.valid).toBe(false);
  expect(r.issues).toEqual([expect.stringMatching(why)]);
});

/** validate runs the built CLI's `validate` on a file; a run past its deadline (STEP_MS) is killed: a hang. */
async function validate(file: string) {
  const run = await startCli(["--config", file, "validate"], { env: ENV }).done;
  const problems: string[] = [];
  if (run.hung) problems.push(`killed after ${STEP_MS} ms: a hang`);
  else if (run.signal) problems.push(`killed by ${run.signal}`);
  else if (run.code !== 0 && run.code !== 78) problems.push(`exit ${run.code}: ${run.stderr.slice(0, 500)}`);
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(run.stderr) || /internal error/.test(run.stderr))
    problems.push(`stack trace or internal error: ${run.stderr.slice(0, 800)}`);
  if (run.code === 78) {
    const lines = run.stderr
      .trimEnd()
      .split("\n")
      .filter((l) => !l.startsWith("warning: ") && !/^config invalid: \d+ problems?$/.test(l));
    const unplaced = lines.filter((l) => !l.startsWith(`${file}:`) || !/^[^:]+:\d+:\d+: /.test(l));
    if (unplaced.length) problems.push(`lines without FILE:LINE:COL: ${JSON.stringify(unplaced.slice(0, 3))}`);
  }
  return { run, problems };
}

it(
  `a sample of ${CLI_SAMPLE} through the built CLI's validate: exit 0 or 78, positions, no stack trace`,
  async () => {
    const rnd = mulberry32(SEED + 1);
    const base = parseYaml(BASE) as unknown;
    const problems: string[] = [];
    const codes = new Map<number | null, number>();
    for (let i = 0; i < CLI_SAMPLE; i++) {
      const text = i % 2 ? stringify(mutateTree(rnd, base)) : mutateText(rnd, BASE);
      const file = path.join(dir, `case-${i}.yaml`);
      fs.writeFileSync(file, text);
      const { run, problems: p } = await validate(file);
      codes.set(run.code, (codes.get(run.code) ?? 0) + 1);
      problems.push(...p.map((x) => `case ${i}: ${x}`));
    }
    expect(problems).toEqual([]);
    expect(codes.get(78)).toBeGreaterThan(0);
  },
  SLOW_MACHINE_MS,
);

// Each is refused before the work it would cost: over 1 MB the YAML is never parsed, an alias bomb is stopped by the
// alias counter. The one under the limit is parsed and validated whole (exit 0), however long a slow machine takes.
const TOO_BIG = /the file is \d+\.\d MB; a config may be at most 1 MB/;
const BIG: [name: string, make: () => string, code: number, why: RegExp][] = [
  [
    "10 MB of comments around a valid config",
    () => `${"# padding padding padding padding padding padding padding\n".repeat(180_000)}${BASE}`,
    78,
    TOO_BIG,
  ],
  [
    "a 10 MB string value",
    () => BASE.replace('runbook: "journalctl -u cosyvoice -n 50"', `runbook: "${"r".repeat(10_000_000)}"`),
    78,
    TOO_BIG,
  ],
  [
    "10 MB of checks",
    () =>
      `state_file: ${"/tmp/wd-fuzz/s.json"}\nchecks:\n` +
      Array.from({ length: 160_000 }, (_, i) => `  - {name: c${i}, type: tcp, port: ${1 + (i % 65000)}}\n`).join(""),
    78,
    TOO_BIG,
  ],
  [
    "10 MB of one flow mapping with a syntax error at the end",
    () => `checks: [${"{name: a, type: tcp, port: 1}, ".repeat(330_000)}\n`,
    78,
    TOO_BIG,
  ],
  ["an alias bomb", () => billionLaughs(9, "label"), 78, EXCESSIVE_ALIASES],
  ["a self-referencing merge key", () => "a: &a\n  <<: *a\nchecks: []\n", 78, /contains it/],
  [
    "under the size limit: 0.6 MB, 14,000 checks",
    () =>
      `state_file: /tmp/wd-fuzz/s.json\nchecks:\n` +
      Array.from({ length: 14_000 }, (_, i) => `  - {name: check-${i}, type: tcp, port: ${1 + (i % 65000)}}\n`).join(
        "",
      ),
    0,
    /config OK/,
  ],
];
it.each(BIG)(
  "%s through the CLI: the expected exit code for the expected reason, no stack trace",
  async (_name, make, code, why) => {
    const file = path.join(dir, `big-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, make());
    try {
      const { run, problems } = await validate(file);
      console.log(`${_name}: exit ${run.code ?? run.signal} in ${Math.round(run.ms)} ms`);
      expect(problems).toEqual([]);
      expect(run.code, run.stderr.slice(0, 500)).toBe(code);
      expect(`${run.stdout}${run.stderr}`).toMatch(why);
    } finally {
      fs.rmSync(file, { force: true });
    }
  },
  STEP_MS + 30_000,
);
