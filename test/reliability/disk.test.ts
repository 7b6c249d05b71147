import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../system/servers.js";
import { BUILT, check, CRON, startCli, T0, tempDir } from "./harness.js";

// The state directory unwritable, or its disk full: the run says so, exits 1, and the previous state file is intact.
const ROOT = process.getuid?.() === 0;
/** NOBODY is the unprivileged uid a root test run uses for the permission case (root ignores permission bits). */
const NOBODY = 65534;
// As root, the CLI must be readable and runnable by nobody (a checkout under a private home directory is not).
const RUN_AS_OK = !ROOT || spawnSync(process.execPath, [BUILT, "--version"], { uid: NOBODY, gid: NOBODY }).status === 0;
if (!RUN_AS_OK) console.warn(`test/reliability/disk: the permission case is SKIPPED: user nobody cannot run ${BUILT}`);
const canMount = ROOT && process.platform === "linux" && tryMount();
if (!canMount) console.warn("test/reliability/disk: tmpfs cases SKIPPED: need root and mount(8) to make a small tmpfs");

function tryMount(): boolean {
  const probe = tempDir("mnt-probe");
  const ok = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]).status === 0;
  if (ok) spawnSync("umount", [probe]);
  fs.rmSync(probe, { recursive: true, force: true });
  return ok;
}

let dir: string;
let downPort: number;
const mounts: string[] = [];
beforeAll(async () => {
  dir = tempDir("disk");
  downPort = await freePort();
});
afterAll(() => {
  for (const m of mounts) spawnSync("umount", ["-l", m]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** writeConfig: one failing check (so every run changes the state), log kept outside the state directory. */
function writeConfig(name: string, stateDir: string): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    file,
    `state_file: ${path.join(stateDir, "state.json")}\nlog_file: ${path.join(dir, `${name}.log`)}\n` +
      `history_file: ${path.join(dir, `${name}.history.jsonl`)}\nchannels: {}\nescalation:\n  - after: 1\nchecks:\n` +
      `  - name: svc\n    type: tcp\n    port: ${downPort}\n    timeout: 1s\n`,
  );
  return file;
}

function mountTmpfs(name: string, size: string): string {
  const m = path.join(dir, name);
  fs.mkdirSync(m);
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", m], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mount failed: ${r.stderr}`);
  mounts.push(m);
  return m;
}

async function expectRefused(config: string, stateDir: string, before: string, why: RegExp) {
  const r = await check(config, T0 + CRON);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(why);
  expect(r.stderr).toContain(stateDir);
  const stateFile = path.join(stateDir, "state.json");
  expect(r.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace
  expect(fs.readFileSync(stateFile, "utf8")).toBe(before);
  JSON.parse(before);
}

describe("state directory unwritable", () => {
  it.skipIf(!RUN_AS_OK)(
    `a directory without write permission${ROOT ? " (run as nobody: root ignores permissions)" : ""}`,
    async () => {
      // Everything of this case is owned by the user the CLI runs as; only the state directory loses its write bit.
      const base = path.join(dir, "ro-case");
      fs.mkdirSync(base);
      fs.chmodSync(dir, 0o711);
      const stateDir = path.join(base, "state");
      fs.mkdirSync(stateDir);
      const config = path.join(base, "watchdog.yaml");
      fs.writeFileSync(
        config,
        `state_file: ${path.join(stateDir, "state.json")}\nlog_file: ${path.join(base, "watchdog.log")}\n` +
          `history_file: ${path.join(base, "history.jsonl")}\nchannels: {}\nescalation:\n  - after: 1\nchecks:\n` +
          `  - {name: svc, type: tcp, port: ${downPort}, timeout: 1s}\n`,
      );
      if (ROOT) for (const p of [base, stateDir, config]) fs.chownSync(p, NOBODY, NOBODY);
      const asUser = (now: number) =>
        startCli(["--config", config, "check"], {
          env: { WATCHDOG_TEST_NOW: String(now) },
          ...(ROOT ? { uid: NOBODY, gid: NOBODY } : {}),
        }).done;
      const state = path.join(stateDir, "state.json");
      const first = await asUser(T0);
      expect(first.code, first.stderr).toBe(0);
      const before = fs.readFileSync(state, "utf8");
      fs.chmodSync(stateDir, 0o500);
      try {
        const r = await asUser(T0 + CRON);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(/permission denied|EACCES/);
        expect(r.stderr).toContain(stateDir);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        expect(fs.readFileSync(state, "utf8")).toBe(before);
      } finally {
        fs.chmodSync(stateDir, 0o700);
      }
    },
    120_000,
  );

  it.skipIf(!canMount)(
    "a read-only file system (root: a tmpfs remounted read-only)",
    async () => {
      const stateDir = mountTmpfs("rofs", "1m");
      const config = writeConfig("rofs", stateDir);
      const state = path.join(stateDir, "state.json");
      const first = await check(config, T0);
      expect(first.code, first.stderr).toBe(0);
      const before = fs.readFileSync(state, "utf8");
      expect(spawnSync("mount", ["-o", "remount,ro", stateDir]).status).toBe(0);
      await expectRefused(config, stateDir, before, /read-only file system|EROFS/);
    },
    120_000,
  );
});

/** fill writes a filler file until only `leave` bytes are free on the file system of dir. */
function fill(dir: string, leave: number): string {
  const filler = path.join(dir, "filler");
  const st = fs.statfsSync(dir);
  const free = st.bavail * st.bsize;
  const fd = fs.openSync(filler, "w");
  try {
    const want = Math.max(0, free - leave);
    for (let done = 0; done < want; done += 4096) fs.writeSync(fd, Buffer.alloc(Math.min(4096, want - done), 1));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

describe("disk full (a 64 KiB tmpfs)", () => {
  it.each([
    // No room at all: even the lock file cannot be written.
    ["when the run starts (the lock)", 0, /cannot create lock .*ENOSPC/],
    // One page left: the lock takes it, then the new state cannot be written.
    ["when the state is saved", 4096, /cannot write .*state\.json: disk full; the previous file is left as it was/],
  ] as const)(
    "%s: exit 1, previous state intact, and the next run after space is freed works",
    async (_when, leave, why) => {
      const stateDir = mountTmpfs(`full-${leave}`, "64k");
      const config = writeConfig(`full-${leave}`, stateDir);
      const state = path.join(stateDir, "state.json");
      const first = await check(config, T0);
      expect(first.code, first.stderr).toBe(0);
      const before = fs.readFileSync(state, "utf8");
      const filler = fill(stateDir, leave);
      await expectRefused(config, stateDir, before, why);
      // The copy of the config that validated is the first run's; the failed run left nothing (no lock, no temp file).
      expect(fs.readdirSync(stateDir).sort()).toEqual(["filler", "state.json", "state.json.config-good.yaml"]);

      fs.rmSync(filler);
      // Space again, and at once: nothing the failed run left behind (no lock, no temp file) stands in the way.
      const after = await check(config, T0 + 2 * CRON);
      expect(after.code, after.stderr).toBe(0);
      expect(JSON.parse(fs.readFileSync(state, "utf8")).checks.svc.failStreak).toBe(2);
    },
    120_000,
  );
});
