import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runAsCron, tmpDir } from "./field-helpers.js";

// A history at its documented bound (three files of history_max_size, 10 MB each) must not make every run with a
// status page read, parse and hold all 30 MB: the page reads a bounded tail, newest first. A busy week that does
// not fit in that tail loses its oldest days on the page (`watchdog history` still reads everything).

const HOUR = 3_600_000;
let dir: string;
let up: net.Server;
let port = 0;

beforeAll(async () => {
  dir = tmpDir();
  up = net.createServer((s) => s.end());
  await new Promise<void>((r) => up.listen(0, "127.0.0.1", r));
  port = (up.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => up.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** incident is the history lines of one closed incident of `check` from `at`, an hour long, with `cause`. */
function incident(check: string, at: number, cause: string): string[] {
  const id = `${check}-${at}`;
  return [
    { at, type: "transition", check, from: "ok", to: "critical", summary: "refused" },
    { at, type: "incident_open", check, id, severity: "critical", cause },
    { at: at + HOUR, type: "transition", check, from: "critical", to: "ok", summary: "accepted" },
    {
      at: at + HOUR,
      ...{ type: "incident_close", check, id, startedAt: at, outageMs: HOUR, peakStep: 1, peak: "critical", cause },
      ...{ restarts: 0, acked: false },
    },
  ].map((e) => JSON.stringify(e));
}

/** filler is about `bytes` of transitions of a busy check that the config no longer has, from `from` to `to`. */
function filler(bytes: number, from: number, to: number): string[] {
  const line = (at: number, n: number) =>
    JSON.stringify({
      at,
      type: "transition",
      check: "busy",
      from: n % 2 ? "critical" : "ok",
      to: n % 2 ? "ok" : "critical",
      summary: "flapping",
    });
  const n = Math.floor(bytes / (line(from, 0).length + 1));
  return Array.from({ length: n }, (_, i) => line(Math.round(from + ((to - from) * i) / n), i));
}

describe("status page with a 30 MB history", () => {
  it("the run works, the page shows the recent incidents, and only a bounded tail of the history is read", async () => {
    const now = Date.now();
    const history = path.join(dir, "history.jsonl");
    // Oldest generation: an incident of svc-old six days ago (inside the page's week), then a busy week.
    const gens = [
      [
        ...incident("svc-old", now - 144 * HOUR, "cause-from-six-days-ago"),
        ...filler(9_900_000, now - 143 * HOUR, now - 96 * HOUR),
      ],
      filler(9_900_000, now - 96 * HOUR, now - 48 * HOUR),
      [
        ...filler(9_900_000, now - 48 * HOUR, now - 3 * HOUR),
        ...incident("svc-new", now - 2 * HOUR, "cause-from-two-hours-ago"),
      ],
    ];
    fs.writeFileSync(`${history}.2`, `${gens[0]!.join("\n")}\n`, { mode: 0o600 });
    fs.writeFileSync(`${history}.1`, `${gens[1]!.join("\n")}\n`, { mode: 0o600 });
    fs.writeFileSync(history, `${gens[2]!.join("\n")}\n`, { mode: 0o600 });
    const page = path.join(dir, "status.html");
    const config = path.join(dir, "watchdog.yaml");
    fs.writeFileSync(
      config,
      `state_file: ${dir}/state.json\nstatus_page: {path: ${page}}\nescalation:\n  - after: 1\n` +
        `checks:\n  - {name: svc-old, type: tcp, port: ${port}}\n  - {name: svc-new, type: tcp, port: ${port}}\n`,
      { mode: 0o600 },
    );
    const run = await runAsCron(`node ${CLI} check -c ${config} >/dev/null`);
    expect(run.mail).toBe("");
    expect(run.code).toBe(0);
    const html = fs.readFileSync(page, "utf8");
    expect(html).toContain("cause-from-two-hours-ago");
    // 30 MB back, beyond the tail the page reads: not read at all.
    expect(html).not.toContain("cause-from-six-days-ago");
  }, 120_000);
});
