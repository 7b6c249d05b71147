import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LockedError } from "../../src/errors.js";
import { acquireLock } from "../../src/state/lock.js";
import { spawnLockHolder, startTimeOf } from "../helpers/lock-holder.js";
import { tmpDirEach } from "../helpers/tmp.js";

const dir = tmpDirEach("wd-lock-");

describe("lock", () => {
  it("is exclusive while held and free again after release", () => {
    const file = path.join(dir(), "state.json.lock");
    const a = acquireLock(file);
    expect(fs.readFileSync(file, "utf8")).toMatch(new RegExp(`^${process.pid} `));
    expect(() => acquireLock(file)).toThrow(LockedError);
    a.release();
    expect(fs.existsSync(file)).toBe(false);
    acquireLock(file).release();
  });

  it("names the live holder's pid", () => {
    const file = path.join(dir(), "l");
    const { child, line } = spawnLockHolder();
    try {
      fs.writeFileSync(file, line);
      expect(() => acquireLock(file)).toThrow(`another watchdog check (pid ${child.pid}) is running`);
    } finally {
      child.kill("SIGKILL");
    }
  });

  // A lock is honoured only when its owner is proven to be a watchdog run that started at the recorded time.
  it.each([
    ["a live pid with no start time (a hand-written or foreign lock)", (pid: number) => `${pid}\n`],
    ["the right start time but a program that is not watchdog", (pid: number) => `${pid} ${startTimeOf(pid)}\n`],
  ])("takes over %s", (_name, content) => {
    const file = path.join(dir(), "l");
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      fs.writeFileSync(file, content(child.pid!));
      acquireLock(file).release();
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("takes over a lock whose process is dead", () => {
    const file = path.join(dir(), "l");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    fs.writeFileSync(file, `${dead} 12345\n`);
    const lock = acquireLock(file);
    expect(fs.readFileSync(file, "utf8")).toMatch(new RegExp(`^${process.pid} `));
    lock.release();
  });

  it("takes over a lock whose pid was reused by another process (start time differs)", () => {
    const file = path.join(dir(), "l");
    // Our parent is alive, but it did not write this lock: its start time is not 1.
    fs.writeFileSync(file, `${process.ppid} 1\n`);
    acquireLock(file).release();
  });
});

describe("lock files left behind", () => {
  it("treats an empty lock (a crash of an older version mid-write) as stale at once", () => {
    const file = path.join(dir(), "l");
    fs.writeFileSync(file, "");
    acquireLock(file).release();
  });

  it("never leaves its own temp file beside the lock", () => {
    const file = path.join(dir(), "l");
    const lock = acquireLock(file);
    expect(fs.readdirSync(dir())).toEqual(["l"]);
    lock.release();
    expect(fs.readdirSync(dir())).toEqual([]);
  });
});
