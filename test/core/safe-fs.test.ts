import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  appendFileSafe,
  createFresh,
  dirProblem,
  readRegular,
  trustProblem,
  writeFileAtomic,
} from "../../src/core/safe-fs.js";

let dir: string;
let victim: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-safe-fs-"));
  victim = path.join(dir, "victim");
  fs.writeFileSync(victim, "keep\n", { mode: 0o644 });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("safe-fs", () => {
  it("createFresh never opens a name that is taken: a planted symlink makes it pick a fresh one", () => {
    fs.symlinkSync(victim, path.join(dir, ".tmp-1"));
    const { fd, file } = createFresh(dir, ".tmp-1", 0o600);
    fs.writeSync(fd, "x");
    fs.closeSync(fd);
    expect(file).toMatch(/\.tmp-1-[0-9a-f]{12}$/);
    expect(fs.readFileSync(victim, "utf8")).toBe("keep\n");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("writeFileAtomic sets the mode on the file whatever the umask, and refuses a symlink at the target", () => {
    const old = process.umask(0o077);
    try {
      writeFileAtomic(path.join(dir, "m.prom"), "a\n", 0o644);
    } finally {
      process.umask(old);
    }
    expect(fs.statSync(path.join(dir, "m.prom")).mode & 0o777).toBe(0o644);
    fs.symlinkSync(victim, path.join(dir, "link"));
    expect(() => writeFileAtomic(path.join(dir, "link"), "evil", 0o600)).toThrow(
      /is a symbolic link, not a regular file/,
    );
    expect(fs.readFileSync(victim, "utf8")).toBe("keep\n");
    expect(fs.readdirSync(dir).sort()).toEqual(["link", "m.prom", "victim"]);
  });

  it("appendFileSafe refuses a symlink and a second hard link, and appends to a plain file", () => {
    fs.symlinkSync(victim, path.join(dir, "sym.log"));
    expect(() => appendFileSafe(path.join(dir, "sym.log"), "evil", 0o600)).toThrow(/symbolic link/);
    fs.linkSync(victim, path.join(dir, "hard.log"));
    expect(() => appendFileSafe(path.join(dir, "hard.log"), "evil", 0o600)).toThrow(/2 hard links/);
    expect(fs.readFileSync(victim, "utf8")).toBe("keep\n");
    appendFileSafe(path.join(dir, "ok.log"), "a\n", 0o600);
    appendFileSafe(path.join(dir, "ok.log"), "b\n", 0o600);
    expect(fs.readFileSync(path.join(dir, "ok.log"), "utf8")).toBe("a\nb\n");
  });

  it.skipIf(process.platform !== "linux")(
    "readRegular refuses a FIFO and a device at once, and a file over the limit",
    () => {
      const fifo = path.join(dir, "fifo");
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      expect(() => readRegular(fifo)).toThrow(/is a FIFO \(named pipe\), not a regular file/);
      expect(() => readRegular("/dev/zero", { follow: true })).toThrow(/is a character device/);
      fs.writeFileSync(path.join(dir, "big"), "x".repeat(100));
      expect(() => readRegular(path.join(dir, "big"), { maxBytes: 99 })).toThrow(/larger than 99 bytes/);
      expect(readRegular(path.join(dir, "big"), { maxBytes: 100 }).text).toHaveLength(100);
    },
  );

  it("dirProblem refuses a directory others can write unless sticky, and trustProblem a file others can write", () => {
    const open = path.join(dir, "open");
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    expect(dirProblem(open)).toMatch(/writable by group\/others \(mode 0777\).*fix: chmod go-w/);
    fs.chmodSync(open, 0o1777);
    expect(dirProblem(open)).toBeUndefined();
    fs.chmodSync(victim, 0o666);
    expect(trustProblem(victim, fs.statSync(victim))).toMatch(
      /writable by group\/others \(mode 0666\); fix: chmod go-w/,
    );
  });
});
