import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeReadError, logConfigSchema, logProbe, type LogConfig } from "../../../src/probes/log/index.js";
import type { ProbeOutput } from "../../../src/probes/types.js";
import { ctx, fakeClock, testDeps } from "../ctx.js";

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-log-"));
  file = path.join(dir, "app.log");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const cfgOf = (over: Record<string, unknown> = {}): LogConfig =>
  logConfigSchema.parse({ type: "log", path: file, patterns: ["FATAL"], ...over });

/** Runner keeps the memory between runs, like the state file does. */
function runner(cfg: LogConfig, clock = fakeClock()) {
  let memory: unknown;
  const deps = testDeps(clock);
  return async (): Promise<ProbeOutput> => {
    const out = await logProbe.run(cfg, ctx(memory, deps));
    memory = out.memory;
    return out;
  };
}

/** readingFromEmpty makes `file` empty and a runner of cfg, and runs it once: it reads what is appended after. */
async function readingFromEmpty(cfg: LogConfig, clock = fakeClock()) {
  fs.writeFileSync(file, "");
  const run = runner(cfg, clock);
  await run();
  return run;
}

describe("log probe: incremental reading", () => {
  it("starts at the end on the first run, then reports only new matching lines", async () => {
    fs.writeFileSync(file, "old FATAL line\n");
    const run = runner(cfgOf());
    expect((await run()).status).toBe("ok");
    fs.appendFileSync(file, "info\nFATAL: model crashed\n");
    const out = await run();
    expect(out.status).toBe("critical");
    expect(out.excerpt).toEqual(["FATAL: model crashed"]);
    expect(out.summary).toContain("1 new matching line");
    const again = await run();
    expect(again.status).toBe("ok");
    expect(again.metrics?.bytes_read).toBe(0);
  });

  it("from: start reads what is already there", async () => {
    fs.writeFileSync(file, "FATAL one\nFATAL two\n");
    const out = await runner(cfgOf({ from: "start" }))();
    expect(out.metrics?.lines_matched).toBe(2);
  });

  it("never matches half a line: a partial tail waits for its newline", async () => {
    const run = await readingFromEmpty(cfgOf());
    fs.appendFileSync(file, "FAT");
    expect((await run()).status).toBe("ok");
    fs.appendFileSync(file, "AL half\n");
    const out = await run();
    expect(out.status).toBe("critical");
    expect(out.excerpt).toEqual(["FATAL half"]);
  });

  it("uses the highest severity and the user's cause", async () => {
    const run = await readingFromEmpty(
      cfgOf({
        patterns: [
          { regex: "slow request", severity: "warning" },
          { regex: "disk full", cause: "disk: the model cache disk is full" },
        ],
        causes: "none",
      }),
    );
    fs.appendFileSync(file, "slow request 3s\n");
    expect((await run()).status).toBe("warning");
    fs.appendFileSync(file, "slow request 4s\nERROR disk full\n");
    const out = await run();
    expect(out.status).toBe("critical");
    expect(out.cause).toBe("disk: the model cache disk is full");
  });

  it("names the probable cause from the built-in catalog, first in the excerpt, deduplicated and cut", async () => {
    const run = await readingFromEmpty(cfgOf({ patterns: ["Traceback"] }));
    const long = `torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB ${"x".repeat(400)}`;
    fs.appendFileSync(
      file,
      [
        "Traceback (most recent call last):",
        long,
        long.replace("20.00", "22.00"),
        "ModuleNotFoundError: No module named 'colour'",
        "",
      ].join("\n"),
    );
    const out = await run();
    expect(out.cause).toMatch(/^gpu_oom: GPU out of memory — /);
    expect(out.summary).toContain("probable cause: gpu_oom");
    expect(out.excerpt).toHaveLength(3);
    expect(out.excerpt![0]).toMatch(/^torch\.cuda\.OutOfMemoryError.*… \(×2\)$/);
    expect(out.excerpt![0]!.length).toBeLessThanOrEqual(300 + " (×2)".length);
    expect(out.excerpt![1]).toBe("Traceback (most recent call last):");
  });

  it("redacts paths and IPs in the excerpt when asked", async () => {
    const run = await readingFromEmpty(cfgOf({ redact: ["paths", "ips"] }));
    fs.appendFileSync(file, "FATAL cannot open /home/alice/models/x.bin from 10.1.2.3\n");
    const out = await run();
    expect(out.excerpt![0]).toBe("FATAL cannot open <path> from <ip>");
  });

  it("hold keeps the check non-ok after the last match, then lets it go", async () => {
    const clock = fakeClock();
    const run = await readingFromEmpty(cfgOf({ hold: "10m" }), clock);
    fs.appendFileSync(file, "FATAL x\n");
    expect((await run()).status).toBe("critical");
    clock.advance(5 * 60_000);
    const held = await run();
    expect(held.status).toBe("critical");
    expect(held.summary).toMatch(/held critical for 5m more/);
    expect(held.excerpt).toEqual(["FATAL x"]);
    clock.advance(5 * 60_000);
    expect((await run()).status).toBe("ok");
  });
});

describe("log probe: bad input", () => {
  it("a missing file is unknown, or critical with missing: critical", async () => {
    expect((await runner(cfgOf())()).status).toBe("unknown");
    const out = await runner(cfgOf({ missing: "critical" }))();
    expect(out.status).toBe("critical");
    expect(out.summary).toContain("does not exist");
  });

  it("a file deleted between runs is reported, and read again from 0 when it comes back", async () => {
    fs.writeFileSync(file, "a\n");
    const run = runner(cfgOf());
    await run();
    fs.rmSync(file);
    expect((await run()).summary).toContain("does not exist");
    fs.writeFileSync(file, "FATAL new\n");
    expect((await run()).excerpt).toEqual(["FATAL new"]);
  });

  it("a directory in place of the file is unknown", async () => {
    fs.mkdirSync(file);
    const out = await runner(cfgOf())();
    expect(out.status).toBe("unknown");
    expect(out.summary).toContain("is a directory");
  });

  it.skipIf(process.getuid?.() === 0)("an unreadable file is unknown with permission denied", async () => {
    fs.writeFileSync(file, "x\n");
    fs.chmodSync(file, 0);
    const out = await runner(cfgOf())();
    expect(out.status).toBe("unknown");
    expect(out.summary).toContain("permission denied");
  });

  it("read errors read as one line each (EACCES also when tests run as root, where chmod 0 cannot deny)", () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(describeReadError("/var/log/x.log", err("EACCES"), { missing: "unknown" })).toEqual({
      status: "unknown",
      text: "/var/log/x.log: permission denied (run watchdog as a user that can read it, e.g. in the adm group)",
    });
    expect(describeReadError("/var/log/*.log", err("ENOENT"), { missing: "critical" })).toEqual({
      status: "critical",
      text: "/var/log/*.log does not exist (no file matches)",
    });
    expect(describeReadError("/x", err("EIO"), { missing: "unknown" })).toEqual({
      status: "unknown",
      text: "/x: cannot read (EIO)",
    });
  });

  it("binary garbage, NUL bytes and invalid UTF-8 do not break it", async () => {
    const run = await readingFromEmpty(cfgOf());
    const garbage = Buffer.alloc(200_000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 256;
    fs.appendFileSync(
      file,
      Buffer.concat([garbage, Buffer.from("\n\xff\xfe\0FATAL after garbage \xc3\x28\n", "latin1")]),
    );
    const out = await run();
    expect(out.status).toBe("critical");
    expect(out.excerpt!.some((l) => l.includes("FATAL after garbage"))).toBe(true);
  });

  it("a 10 MiB line is cut at 64 KiB and the next line is still found", async () => {
    const run = await readingFromEmpty(cfgOf());
    fs.appendFileSync(file, `${"y".repeat(10 * 1024 * 1024)} FATAL beyond the cap\nFATAL next line\n`);
    const out = await run();
    expect(out.excerpt).toEqual(["FATAL next line"]);
    expect(out.metrics?.lines_matched).toBe(1);
  });

  it("2 GiB appended between runs (sparse) is read to the end in bounded memory", async () => {
    fs.writeFileSync(file, "start\n");
    const run = runner(cfgOf({ timeout: "60s" }));
    await run();
    const fd = fs.openSync(file, "r+");
    fs.ftruncateSync(fd, 6 + 2 * 1024 ** 3);
    fs.writeSync(fd, "\nFATAL after 2 GiB\n", 6 + 2 * 1024 ** 3);
    fs.closeSync(fd);
    const rssBefore = process.memoryUsage().rss;
    const out = await run();
    expect(out.excerpt).toEqual(["FATAL after 2 GiB"]);
    expect(out.metrics?.bytes_read).toBeGreaterThan(2 * 1024 ** 3);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  }, 120_000);

  it("a glob reads every matching file", async () => {
    fs.writeFileSync(path.join(dir, "a.log"), "");
    fs.writeFileSync(path.join(dir, "b.log"), "");
    const run = runner(cfgOf({ path: path.join(dir, "*.log") }));
    await run();
    fs.appendFileSync(path.join(dir, "a.log"), "FATAL in a\n");
    fs.appendFileSync(path.join(dir, "b.log"), "FATAL in b\n");
    const out = await run();
    expect(out.metrics?.lines_matched).toBe(2);
  });

  it("a glob does not name compressed archives (app.log* and app.log.1.gz): their bytes are not lines", async () => {
    fs.writeFileSync(file, "");
    // Stored (level 0) gzip keeps the text readable in the raw bytes: read as text, it would match.
    fs.writeFileSync(`${file}.1.gz`, gzipSync("FATAL in an old archive\n", { level: 0 }));
    const out = await runner(cfgOf({ path: `${file}*`, from: "start" }))();
    expect(out.status).toBe("ok");
    expect(out.metrics?.files).toBe(1);
  });

  it("stops at the time limit and goes on next run without losing lines", async () => {
    const run = await readingFromEmpty(cfgOf({ timeout: "1ms" }));
    fs.appendFileSync(file, `${"filler line\n".repeat(1_000_000)}FATAL at the end\n`);
    let found = 0;
    for (let i = 0; i < 50 && found === 0; i++) found = (await run()).metrics?.lines_matched ?? 0;
    expect(found).toBe(1);
  });
});
