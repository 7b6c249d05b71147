import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnLockHolder } from "../helpers/lock-holder.js";
import { freePort } from "../helpers/net.js";
import { BUILT, startCli, STEP_MS, tempDir, type Run } from "./harness.js";

// Files as root (cron runs watchdog as root): a user who can write where watchdog writes must not make root write
// through a symlink, a path that is a FIFO must not hang a run, and a config or secret another user owns or can
// write is refused. Needs root (chown to another uid) and Linux (mkfifo, /proc).
const ROOT = process.getuid?.() === 0 && process.platform === "linux";
if (!ROOT) console.warn("test/reliability/root-files: SKIPPED: needs root on Linux");
const OTHER = 65534;
const VICTIM_TEXT = "victim: root must never write here\n";

let base: string;
let downPort: number;
beforeAll(async () => {
  base = tempDir("root-files");
  downPort = await freePort();
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

let n = 0;
/** caseDir makes a directory for one case with a victim file outside it (what a planted symlink points at). */
function caseDir(): { dir: string; victim: string } {
  const dir = path.join(base, `c${n++}`);
  fs.mkdirSync(path.join(dir, "state"), { recursive: true, mode: 0o700 });
  const victim = path.join(dir, "victim");
  fs.writeFileSync(victim, VICTIM_TEXT, { mode: 0o644 });
  return { dir, victim };
}

/** writeConfig: one failing check, a console channel (the alert is printed), every side file in the state dir. */
function writeConfig(dir: string, extra = ""): string {
  const s = path.join(dir, "state");
  const file = path.join(dir, "watchdog.yaml");
  fs.writeFileSync(
    file,
    `state_file: ${s}/state.json\nmetrics: {textfile: ${s}/watchdog.prom}\nchannels: {out: {type: console}}\n` +
      `escalation: [{after: 1, notify: [out]}]\nchecks:\n` +
      `  - {name: svc, type: tcp, port: ${downPort}, timeout: 1s}\n${extra}`,
  );
  return file;
}

/** spawnRun runs a command to its end (killed after STEP_MS: a run that hangs fails its test, never the suite). */
function spawnRun(cmd: string, args: string[], cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    let hung = false;
    const hard = setTimeout(() => ((hung = true), child.kill("SIGKILL")), STEP_MS);
    child.on("close", (code, signal) => {
      clearTimeout(hard);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, hung });
    });
  });
}

/**
 * runPlanted runs the CLI through `sh -c '...; exec node CLI'`: exec keeps the shell's pid, so the shell can plant a
 * symlink at every name that contains the run's pid before the run starts, as an attacker predicting it would.
 */
function runPlanted(args: string[], plant: string[], victim: string): Promise<Run> {
  const links = plant.map((p) => `ln -s "${victim}" "${p}"`).join("; ");
  return spawnRun("sh", ["-c", `${links}; exec "$0" "$@"`, process.execPath, BUILT, ...args]);
}

describe.skipIf(!ROOT)("symlinks planted at every name watchdog writes", () => {
  it("leaves the victim untouched; the run saves its state under a fresh name and sends its alert", async () => {
    const { dir, victim } = caseDir();
    const config = writeConfig(dir);
    const s = path.join(dir, "state");
    // Names without the pid are planted now; names with it by the shell, with its pid ($$ is the run's pid).
    const planted = [
      "history.jsonl",
      "watchdog.log",
      "state.json.commands",
      "history.jsonl.1",
      "state.json.config-good.yaml",
    ];
    for (const name of planted) fs.symlinkSync(victim, path.join(s, name));
    const withPid = [
      ".state.json.tmp-$$",
      "state.json.lock.new-$$",
      ".watchdog.prom.tmp-$$",
      "state.json.lock.stale-$$",
    ]
      .concat([".state.json.config-good.yaml.tmp-$$"])
      .map((x) => path.join(s, x));
    const r = await runPlanted(["--config", config, "check"], withPid, victim);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("CRITICAL svc");
    expect(fs.readFileSync(victim, "utf8")).toBe(VICTIM_TEXT);
    expect(fs.statSync(victim).mode & 0o777).toBe(0o644);
    const state = JSON.parse(fs.readFileSync(path.join(s, "state.json"), "utf8"));
    expect(state.checks.svc.failStreak).toBe(1);
    expect(fs.lstatSync(path.join(s, "state.json")).isFile()).toBe(true);
    // The log could not be opened: it says why, on stderr.
    expect(r.stderr).toMatch(/cannot open log file .*watchdog\.log \(.*symbolic link/);
    // A second run (the state file exists now) still never writes through them.
    const again = await runPlanted(["--config", config, "check"], withPid, victim);
    expect(again.code, again.stderr).toBe(0);
    expect(fs.readFileSync(victim, "utf8")).toBe(VICTIM_TEXT);
  }, 60_000);

  it.each([
    ["state.json", /state file .*state\.json is a symbolic link/],
    ["state.json.lock", undefined],
  ])(
    "a symlink at %s: the victim is untouched, and the run fails clearly or goes on",
    async (name, refusal) => {
      const { dir, victim } = caseDir();
      const config = writeConfig(dir);
      fs.symlinkSync(victim, path.join(dir, "state", name));
      const r = await startCli(["--config", config, "check"]).done;
      if (refusal) {
        expect(r.code).toBe(1);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).toMatch(refusal);
      } else {
        expect(r.code, r.stderr).toBe(0);
      }
      expect(fs.readFileSync(victim, "utf8")).toBe(VICTIM_TEXT);
    },
    60_000,
  );

  it("a command queued while the lock is held never appends through a symlink", async () => {
    const { dir, victim } = caseDir();
    const config = writeConfig(dir);
    const s = path.join(dir, "state");
    fs.symlinkSync(victim, path.join(s, "state.json.commands"));
    const { child: holder, line } = spawnLockHolder();
    try {
      fs.writeFileSync(path.join(s, "state.json.lock"), line);
      const r = await startCli(["--config", config, "silence", "add", "svc", "--for", "1h"]).done;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot queue the command in .*state\.json\.commands: .*symbolic link/);
    } finally {
      holder.kill("SIGKILL");
    }
    expect(fs.readFileSync(victim, "utf8")).toBe(VICTIM_TEXT);
  }, 60_000);
});

describe.skipIf(!ROOT)("directories another user can write", () => {
  it.each([
    [
      "a world-writable state directory",
      (d: string) => fs.chmodSync(d, 0o777),
      /refusing to write in .*state: it is writable by group\/others \(mode 0777\).*chmod go-w/,
    ],
    [
      "a group-writable state directory",
      (d: string) => fs.chmodSync(d, 0o770),
      /refusing to write in .*state: it is writable by group\/others \(mode 0770\)/,
    ],
    [
      "a state directory another user owns",
      (d: string) => fs.chownSync(d, OTHER, OTHER),
      /refusing to write in .*state: it is owned by uid 65534, not root.*chown root/,
    ],
    [
      "a state directory under a parent another user owns",
      (d: string) => fs.chownSync(path.dirname(d), OTHER, OTHER),
      /refusing to write in .* \(a parent of .*state\): it is owned by uid 65534/,
    ],
  ])(
    "%s is refused: exit 1 with a line that says the fix, nothing written",
    async (_name, spoil, why) => {
      const { dir } = caseDir();
      const config = writeConfig(dir);
      const s = path.join(dir, "state");
      spoil(s);
      const r = await startCli(["--config", config, "check"]).done;
      expect(r.code).toBe(1);
      // The last line is the refusal (the log, refused too, says so on a line before it); no stack trace.
      expect(r.stderr.trim().split("\n").at(-1)).toMatch(new RegExp(`^watchdog: ${why.source}`));
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(fs.readdirSync(s)).toEqual([]);
    },
    60_000,
  );

  it("a sticky world-writable directory owned by root (like /tmp) is accepted", async () => {
    const { dir } = caseDir();
    const config = writeConfig(dir);
    fs.chmodSync(path.join(dir, "state"), 0o1777);
    const r = await startCli(["--config", config, "check"]).done;
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(dir, "state", "state.json"))).toBe(true);
  }, 60_000);

  it("a world-writable log directory: the log is refused with the reason, the run goes on", async () => {
    const { dir } = caseDir();
    const logs = path.join(dir, "logs");
    fs.mkdirSync(logs, { mode: 0o777 });
    fs.chmodSync(logs, 0o777);
    const config = writeConfig(dir, `log_file: ${logs}/watchdog.log\nhistory_file: ${logs}/history.jsonl\n`);
    const r = await startCli(["--config", config, "check"]).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("CRITICAL svc");
    expect(r.stderr).toMatch(/cannot open log file .*refusing to write in .*logs: it is writable by group\/others/);
    expect(fs.readdirSync(logs)).toEqual([]);
  }, 60_000);
});

describe.skipIf(!ROOT)("paths that would block on open", () => {
  it.each(["state.json", "history.jsonl", "watchdog.log", "watchdog.prom", "state.json.commands", "state.json.lock"])(
    "a FIFO at %s never hangs the run",
    async (name) => {
      const { dir } = caseDir();
      const config = writeConfig(dir);
      const fifo = path.join(dir, "state", name);
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      const r = await startCli(["--config", config, "check"], { timeoutMs: 60_000 }).done;
      expect(r.signal).toBeNull();
      if (name === "state.json") {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/state file .*state\.json is a FIFO \(named pipe\), not a regular file/);
        expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
      } else {
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain("CRITICAL svc");
      }
    },
    90_000,
  );

  it("a character device as state file is refused, not renamed or replaced", async () => {
    const { dir } = caseDir();
    const dev = path.join(dir, "state", "state.json");
    expect(spawnSync("mknod", [dev, "c", "1", "3"]).status).toBe(0); // a private /dev/null
    const r = await startCli(["--config", writeConfig(dir), "check"]).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is a character device, not a regular file/);
    expect(fs.lstatSync(dev).isCharacterDevice()).toBe(true);
  }, 60_000);

  it("`status` and `history` on FIFOs answer at once", async () => {
    const { dir } = caseDir();
    const config = writeConfig(dir);
    for (const name of ["state.json", "history.jsonl"])
      expect(spawnSync("mkfifo", [path.join(dir, "state", name)]).status).toBe(0);
    const status = await startCli(["--config", config, "status"], { timeoutMs: 60_000 }).done;
    expect(status.signal).toBeNull();
    expect(status.stdout + status.stderr).toMatch(/FIFO/);
    const history = await startCli(["--config", config, "history"], { timeoutMs: 60_000 }).done;
    expect(history.signal).toBeNull();
    expect(history.code).toBe(0);
    expect(history.stderr).toMatch(/history\.jsonl is a FIFO/);
  }, 60_000);
});

describe.skipIf(!ROOT)("config and secret files another user controls", () => {
  it.each([
    [
      "owned by another user",
      (f: string) => fs.chownSync(f, OTHER, OTHER),
      /it is owned by uid 65534, not root or you \(uid 0\); fix: chown root /,
    ],
    [
      "writable by everyone",
      (f: string) => fs.chmodSync(f, 0o666),
      /it is writable by group\/others \(mode 0666\); fix: chmod go-w /,
    ],
  ])(
    "a config %s: validate and check exit 78 with one line",
    async (_name, spoil, why) => {
      const { dir } = caseDir();
      const config = writeConfig(dir);
      spoil(config);
      for (const cmd of ["validate", "check"]) {
        const r = await startCli(["--config", config, cmd]).done;
        expect(r.code).toBe(78);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).toMatch(new RegExp(`refusing the config ${config}: ${why.source}`));
      }
      expect(fs.existsSync(path.join(dir, "state", "state.json"))).toBe(false);
    },
    60_000,
  );

  it("./watchdog.yaml found in the current directory is checked the same way", async () => {
    const { dir } = caseDir();
    fs.chownSync(writeConfig(dir), OTHER, OTHER);
    const r = await spawnRun(process.execPath, [BUILT, "check"], dir);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/refusing the config .*watchdog\.yaml: it is owned by uid 65534/);
    expect(fs.existsSync(path.join(dir, "state", "state.json"))).toBe(false);
  }, 60_000);

  it.each([
    [
      "/dev/zero",
      () => "/dev/zero",
      /cannot read \/dev\/zero: it is a character device, not a regular file: secrets are read from regular files only/,
    ],
    [
      "a FIFO",
      (d: string) => (spawnSync("mkfifo", [path.join(d, "fifo")]), path.join(d, "fifo")),
      /it is a FIFO \(named pipe\), not a regular file/,
    ],
    [
      "a huge file",
      (d: string) => (fs.writeFileSync(path.join(d, "big"), "x".repeat(65 * 1024)), path.join(d, "big")),
      /larger than 64 KiB/,
    ],
    [
      "owned by another user",
      (d: string) => (
        fs.writeFileSync(path.join(d, "o"), "pw\n"),
        fs.chownSync(path.join(d, "o"), OTHER, OTHER),
        path.join(d, "o")
      ),
      /refused: it is owned by uid 65534.*chown root/,
    ],
    [
      "writable by everyone",
      (d: string) => (
        fs.writeFileSync(path.join(d, "w"), "pw\n"),
        fs.chmodSync(path.join(d, "w"), 0o666),
        path.join(d, "w")
      ),
      /refused: it is writable by group\/others.*chmod go-w/,
    ],
  ])(
    "pass_file: %s is refused at once by validate and check (78)",
    async (_name, make, why) => {
      const { dir } = caseDir();
      const secret = make(dir);
      const config = writeConfig(dir);
      const text = fs
        .readFileSync(config, "utf8")
        .replace(
          "channels: {out: {type: console}}",
          `channels:\n  out: {type: console}\n` +
            `  mail: {type: email, host: 127.0.0.1, port: 25, from: a@example.com, to: b@example.com, user: u, ` +
            `pass_file: ${secret}}`,
        );
      fs.writeFileSync(config, text);
      for (const cmd of ["validate", "check"]) {
        const r = await startCli(["--config", config, cmd], { timeoutMs: 60_000 }).done;
        expect(r.signal).toBeNull();
        expect(r.code).toBe(78);
        expect(r.stderr).toMatch(why);
      }
    },
    90_000,
  );

  it("a secret file that is a symlink to a root-owned 0600 file is read (Kubernetes mounts secrets so)", async () => {
    const { dir } = caseDir();
    fs.writeFileSync(path.join(dir, "real"), "pw\n", { mode: 0o600 });
    fs.symlinkSync(path.join(dir, "real"), path.join(dir, "link"));
    const config = writeConfig(dir);
    fs.writeFileSync(
      config,
      fs
        .readFileSync(config, "utf8")
        .replace(
          "channels: {out: {type: console}}",
          `channels:\n  out: {type: console}\n` +
            `  mail: {type: email, host: 127.0.0.1, port: 25, from: a@example.com, to: b@example.com, user: u, ` +
            `pass_file: ${dir}/link}`,
        ),
    );
    const r = await startCli(["--config", config, "validate"]).done;
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);
});
