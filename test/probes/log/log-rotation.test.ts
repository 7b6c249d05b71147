import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { logConfigSchema, logProbe } from "../../../src/probes/log/index.js";
import { runCli } from "../../helpers/cli.js";
import { ctx, testDeps } from "../ctx.js";

const LOGROTATE = ["/usr/sbin/logrotate", "/sbin/logrotate", "/usr/bin/logrotate"].find((p) => fs.existsSync(p));

let dir: string;
let file: string;
let seen: string[];
let memory: unknown;
let n: number;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-rot-"));
  file = path.join(dir, "app.log");
  seen = [];
  memory = undefined;
  n = 0;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** line makes a unique matching line (letters, not digits: the excerpt folds digits when deduplicating). */
function line(tag: string): string {
  const id = (n++).toString(26).replace(/[0-9]/g, (d) => "qrstuvwxyz"[Number(d)]!);
  return `MATCH ${tag} ${id}\n`;
}
const filler = (k: number) => "an ordinary line that matches nothing\n".repeat(k);
/** A service's start-up banner, the same at every start and longer than the 1 KiB fingerprint. */
const BANNER = Array.from({ length: 40 }, (_, i) => `INFO engine config: option_${i} = default\n`).join("");

/** stripTail makes the memory look like state written before the tail hash was kept. */
function stripTail(mem: unknown): unknown {
  const m = structuredClone(mem) as { files: Record<string, Record<string, unknown>> };
  for (const f of Object.values(m.files)) {
    delete f.tail;
    delete f.tailLen;
  }
  return m;
}

/** probe runs the log check once and records every matching line it reports. */
async function probe(watch: string = file): Promise<void> {
  const cfg = logConfigSchema.parse({
    type: "log",
    path: watch,
    patterns: ["^MATCH "],
    causes: "none",
    excerpt_lines: 20,
  });
  const out = await logProbe.run(cfg, ctx(memory, testDeps()));
  memory = out.memory;
  for (const l of out.excerpt ?? []) {
    const m = /^(.*?)(?: \(×(\d+)\))?$/.exec(l)!;
    for (let i = 0; i < Number(m[2] ?? 1); i++) seen.push(m[1]!);
  }
}

/** appendLine appends a new matching line (and `pad` filler lines) to the log and notes it in `written`. */
function appendLine(written: string[], tag: string, pad = 0): void {
  const l = line(tag);
  written.push(l);
  fs.appendFileSync(file, l + filler(pad));
}

/** noting returns w, which notes line l in `written` and writes it, then `pad` filler lines, through `write`. */
function noting(written: string[], write: (text: string) => void) {
  return (l: string, pad = 2) => {
    written.push(l);
    write(l + filler(pad));
  };
}

/**
 * beforeRotation runs the probe over what the log holds, then writes (through `w`) a line the next run reads, and one
 * still unread when the rotation comes.
 */
async function beforeRotation(w: (l: string) => void, watch = file): Promise<void> {
  await probe(watch);
  w(line("before"));
  await probe(watch);
  w(line("before-unread"));
}

function expectExactlyOnce(written: string[]) {
  expect([...seen].sort()).toEqual(written.map((l) => l.trim()).sort());
}

describe("log rotation: every matching line is reported exactly once", () => {
  it("rename + create, with the writer still appending to the renamed file", async () => {
    const written: string[] = [];
    const w = (fd: number, l: string) => {
      written.push(l);
      fs.writeSync(fd, l + filler(3));
    };
    const writer = fs.openSync(file, "a");
    fs.writeSync(writer, filler(10));
    await beforeRotation((l) => w(writer, l));
    fs.renameSync(file, `${file}.1`);
    w(writer, line("during")); // the old fd now writes into app.log.1
    const fresh = fs.openSync(file, "a");
    w(fresh, line("after"));
    await probe();
    w(fresh, line("after-2"));
    await probe();
    await probe();
    fs.closeSync(writer);
    fs.closeSync(fresh);
    expectExactlyOnce(written);
  });

  it("copytruncate: the rest of the copy is read from the old offset, then the file from 0", async () => {
    const written: string[] = [];
    const w = noting(written, (text) => fs.appendFileSync(file, text));
    fs.writeFileSync(file, filler(50));
    await beforeRotation(w);
    fs.copyFileSync(file, `${file}.1`);
    fs.truncateSync(file, 0);
    w(line("after"));
    await probe();
    w(line("after-2"));
    await probe();
    expectExactlyOnce(written);
  });

  it("copytruncate while the probe was away and the file grew past the old offset (fingerprint)", async () => {
    const written: string[] = [];
    const w = noting(written, (text) => fs.appendFileSync(file, text));
    fs.writeFileSync(file, "header A\n" + filler(5));
    await probe();
    w(line("before-unread"));
    fs.copyFileSync(file, `${file}.1`);
    fs.writeFileSync(file, "header B\n");
    w(line("after"), 200);
    await probe();
    expectExactlyOnce(written);
  });

  it("truncate-and-refill: new first bytes mean read from 0", async () => {
    const written: string[] = [];
    fs.writeFileSync(file, "first generation\n" + filler(3));
    await probe();
    appendLine(written, "before");
    await probe();
    const refill = ["second generation\n", line("refill-a"), filler(10), line("refill-b")];
    written.push(refill[1]!, refill[3]!);
    fs.writeFileSync(file, refill.join(""));
    await probe();
    appendLine(written, "after");
    await probe();
    expectExactlyOnce(written);
  });

  it("a glob that also names the rotated files (app.log*): rename twice, each line once", async () => {
    const glob = `${file}*`;
    const written: string[] = [];
    let writer = fs.openSync(file, "a");
    const w = noting(written, (text) => fs.writeSync(writer, text));
    /** renameAndReopen renames the log to .1 (logrotate's create), writes a line there, then reopens and writes one. */
    const renameAndReopen = (during: string, after: string) => {
      fs.renameSync(file, `${file}.1`);
      w(line(during));
      fs.closeSync(writer);
      writer = fs.openSync(file, "a");
      w(line(after));
    };
    fs.writeSync(writer, filler(5));
    await beforeRotation(w, glob);
    renameAndReopen("during", "after");
    await probe(glob);
    w(line("after-unread"));
    fs.renameSync(`${file}.1`, `${file}.2`);
    renameAndReopen("during-2", "after-2");
    await probe(glob);
    await probe(glob);
    fs.closeSync(writer);
    expectExactlyOnce(written);
  });

  it("a glob that also names the copies: copytruncate, each line once", async () => {
    const glob = `${file}*`;
    const written: string[] = [];
    const w = noting(written, (text) => fs.appendFileSync(file, text));
    fs.writeFileSync(file, filler(30));
    await beforeRotation(w, glob);
    fs.copyFileSync(file, `${file}.1`);
    fs.truncateSync(file, 0);
    w(line("after"));
    await probe(glob);
    await probe(glob);
    expectExactlyOnce(written);
  });

  it("a file that appears in a glob after the first run is read from its start", async () => {
    const glob = path.join(dir, "*.log");
    fs.writeFileSync(file, "old MATCH-less line\n");
    await probe(glob);
    const l = line("new-file");
    fs.writeFileSync(path.join(dir, "worker-2.log"), `${filler(3)}${l}`);
    await probe(glob);
    expectExactlyOnce([l]);
  });

  it("truncated in place at a restart, same banner, grown past the old offset: lines before it are read", async () => {
    // `> app.log` at a service restart: same inode, same first bytes, and bigger than the old offset by the next run.
    const written: string[] = [];
    fs.writeFileSync(file, BANNER + filler(5));
    await probe();
    appendLine(written, "before", 3);
    await probe();
    const oldOffset = fs.statSync(file).size;
    const err = line("after-restart");
    written.push(err);
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, BANNER + err + filler(40));
    expect(BANNER.length + err.length).toBeLessThan(oldOffset); // the error sits before the old offset...
    expect(fs.statSync(file).size).toBeGreaterThan(oldOffset); // ...and the file grew past it
    await probe();
    appendLine(written, "later");
    await probe();
    expectExactlyOnce(written);
  });

  it("truncated in place: an older rotated copy with the same banner is not read again", async () => {
    // app.log.1 is yesterday's generation: same first bytes and longer than the old offset, but other bytes there.
    const stale = BANNER + filler(8) + "MATCH stale line already read yesterday\n".repeat(20);
    fs.writeFileSync(`${file}.1`, stale);
    fs.writeFileSync(`${file}.2.gz`, gzipSync(stale));
    const written: string[] = [];
    fs.writeFileSync(file, BANNER + filler(5));
    await probe();
    appendLine(written, "before", 3);
    await probe();
    const l2 = line("after-restart");
    written.push(l2);
    fs.writeFileSync(file, BANNER + l2);
    await probe();
    expectExactlyOnce(written);
  });

  it("copytruncate refilled to the old size with the same bytes: the changed mtime sends it to the copy", async () => {
    const content = BANNER + filler(5);
    fs.writeFileSync(file, content);
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(file, old, old);
    await probe();
    const l1 = line("just-before-rotation");
    fs.appendFileSync(file, l1);
    fs.copyFileSync(file, `${file}.1`);
    fs.truncateSync(file, 0);
    // The restarted service writes the same lines again: same size, same first bytes, same bytes before the offset.
    fs.appendFileSync(file, content);
    await probe();
    const l2 = line("after");
    fs.appendFileSync(file, l2);
    await probe();
    expectExactlyOnce([l1, l2]);
  });

  it("the same size and a new mtime without a rotation (touch): nothing is read again", async () => {
    fs.writeFileSync(file, BANNER + filler(5));
    await probe();
    fs.appendFileSync(file, line("once"));
    await probe();
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(file, later, later);
    await probe();
    expect(seen).toHaveLength(1);
    expect((memory as { files: Record<string, { offset: number }> }).files[file]!.offset).toBe(fs.statSync(file).size);
  });

  it("normal appends in many small runs, half lines and state without the tail hash: each line once", async () => {
    const written: string[] = [];
    fs.writeFileSync(file, BANNER);
    await probe();
    for (let run = 0; run < 30; run++) {
      const l = line(`append-${run % 3}`);
      written.push(l);
      // Split each matching line across two runs every other time: the half line waits for its newline.
      const cut = run % 2 === 0 ? l.length : Math.floor(l.length / 2);
      fs.appendFileSync(file, filler(run % 4) + l.slice(0, cut));
      await probe();
      fs.appendFileSync(file, l.slice(cut));
      // State written before the tail hash existed: the check is skipped once and the hash filled in.
      if (run === 10) memory = stripTail(memory);
      await probe();
    }
    expectExactlyOnce(written);
    const files = (memory as { files: Record<string, { tail?: string; tailLen?: number }> }).files;
    expect(files[file]).toMatchObject({ tail: expect.any(String), tailLen: 256 });
  });

  it.skipIf(!LOGROTATE)("real logrotate copytruncate, then the same banner refilled past the old offset", async () => {
    const conf = path.join(dir, "rotate.conf");
    fs.writeFileSync(conf, `${file} {\n  rotate 3\n  copytruncate\n  nocompress\n}\n`, { mode: 0o644 });
    const written: string[] = [];
    const w = noting(written, (text) => fs.appendFileSync(file, text));
    fs.writeFileSync(file, BANNER + filler(5));
    await probe();
    w(line("before"));
    await probe();
    const oldOffset = fs.statSync(file).size;
    w(line("before-unread"));
    execFileSync(LOGROTATE!, ["-f", "-s", path.join(dir, "rotate.state"), conf]);
    expect(fs.statSync(file).size).toBe(0);
    // The service restarts into the truncated file: same banner, then an error, and it grows past the old offset.
    fs.appendFileSync(file, BANNER);
    w(line("after-restart"), 30);
    expect(fs.statSync(file).size).toBeGreaterThan(oldOffset);
    await probe();
    w(line("later"));
    await probe();
    expectExactlyOnce(written);
  });

  const modes = ["create", "copytruncate"];
  it.skipIf(!LOGROTATE).each(modes)("real logrotate %s + compress: the rest is read from the .gz", async (mode) => {
    const conf = path.join(dir, "rotate.conf");
    fs.writeFileSync(conf, `${file} {\n  rotate 3\n  ${mode}\n  compress\n}\n`, { mode: 0o644 });
    const rotate = () => execFileSync(LOGROTATE!, ["-f", "-s", path.join(dir, "rotate.state"), conf]);
    const written: string[] = [];
    const w = noting(written, (text) => fs.appendFileSync(file, text));
    fs.writeFileSync(file, BANNER + filler(5));
    await beforeRotation(w);
    rotate();
    expect(fs.existsSync(`${file}.1.gz`)).toBe(true);
    fs.appendFileSync(file, BANNER);
    w(line("after"));
    await probe();
    w(line("after-2"));
    w(line("after-2-unread"));
    rotate(); // app.log.1.gz becomes app.log.2.gz: the newest archive is the one to read
    w(line("after-second-rotation"));
    await probe();
    await probe();
    expectExactlyOnce(written);
  });

  it("a damaged or foreign .gz beside a renamed file is passed over, the new file is still read", async () => {
    fs.writeFileSync(file, BANNER + filler(5));
    await probe();
    const l1 = line("before");
    fs.appendFileSync(file, l1);
    await probe();
    fs.renameSync(file, `${file}.1`);
    const whole = gzipSync(fs.readFileSync(`${file}.1`));
    fs.rmSync(`${file}.1`);
    fs.writeFileSync(`${file}.1.gz`, whole.subarray(0, whole.length >> 1)); // cut short
    fs.writeFileSync(`${file}.2.gz`, "not gzip at all\n");
    const l2 = line("after");
    fs.writeFileSync(file, BANNER + l2);
    await probe();
    expectExactlyOnce([l1, l2]);
  });

  it.skipIf(!LOGROTATE)("real logrotate with create", async () => {
    await withLogrotate("create", (conf, state) => execFileSync(LOGROTATE!, ["-f", "-s", state, conf]));
  });

  it.skipIf(!LOGROTATE)("real logrotate with copytruncate", async () => {
    await withLogrotate("copytruncate", (conf, state) => execFileSync(LOGROTATE!, ["-f", "-s", state, conf]));
  });
});

async function withLogrotate(mode: "create" | "copytruncate", rotate: (conf: string, state: string) => void) {
  const conf = path.join(dir, "rotate.conf");
  const state = path.join(dir, "rotate.state");
  fs.writeFileSync(conf, `${file} {\n  rotate 3\n  ${mode}\n  missingok\n  nocompress\n}\n`, { mode: 0o644 });
  const written: string[] = [];
  let writer = fs.openSync(file, "a");
  const w = noting(written, (text) => fs.writeSync(writer, text));
  fs.writeSync(writer, filler(20));
  await beforeRotation(w);
  rotate(conf, state);
  // With create, the writer keeps appending to the renamed file until it reopens; with copytruncate it appends at 0.
  w(line("during"));
  if (mode === "create") {
    expect(fs.existsSync(`${file}.1`)).toBe(true);
    fs.closeSync(writer);
    writer = fs.openSync(file, "a");
  }
  w(line("after"));
  await probe();
  w(line("after-2"));
  rotate(conf, state);
  if (mode === "create") {
    fs.closeSync(writer);
    writer = fs.openSync(file, "a");
  }
  w(line("after-second-rotation"));
  await probe();
  await probe();
  fs.closeSync(writer);
  expectExactlyOnce(written);
}

describe("log rotation through the built CLI", () => {
  it("`> app.log` at a restart, same banner, grown past the old offset: `watchdog check` finds the error", async () => {
    const cfg = path.join(dir, "wd.yaml");
    const check1 = `{name: app, type: log, path: ${file}, causes: none, patterns: ["^MATCH "]}`;
    fs.writeFileSync(cfg, `state_file: ${dir}/state.json\nchecks:\n  - ${check1}\n`);
    const env = { HOME: dir, XDG_STATE_HOME: path.join(dir, "xdg"), WATCHDOG_CONFIG: "" };
    const check = async () => {
      const r = await runCli(["-c", cfg, "check", "--json"], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout).checks as { status: string; summary: string; excerpt?: string[] }[])[0]!;
    };
    fs.writeFileSync(file, BANNER + filler(5));
    expect((await check()).status).toBe("ok");
    fs.appendFileSync(file, "an ordinary line after the start\n" + filler(3));
    expect((await check()).status).toBe("ok");
    fs.truncateSync(file, 0); // the restart script's `> app.log`
    fs.appendFileSync(file, BANNER + "MATCH engine died at start-up\n" + filler(40));
    const out = await check();
    expect(out.status).toBe("critical");
    expect(out.summary).toContain("1 new matching line");
    expect((await check()).status).toBe("ok"); // and only once
  });
});
