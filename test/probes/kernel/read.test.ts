import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evidenceCause, evidenceLine, findEvidence } from "../../../src/probes/kernel/evidence.js";
import { readKmsg } from "../../../src/probes/kernel/kmsg.js";
import { readKernelLog } from "../../../src/probes/kernel/read.js";
import { fixtureLine, kmsgRecords } from "../../helpers/kmsg.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-kmsg-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const signal = new AbortController().signal;
const NOW = Date.UTC(2026, 11, 7, 2, 13, 0);
const bootId = fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

const oom = fixtureLine("oom-killer.dmesg", "Out of memory: Killed process 6154");
const xid79 = fixtureLine("xid.dmesg", "): 79, ");

describe("readKernelLog from a kmsg-format file", () => {
  it("keeps the records after the cursor and inside the window, and moves the cursor", async () => {
    const file = path.join(dir, "kmsg");
    // Two records an hour old (outside a 10-minute window), then two of a second ago.
    const written = performance.now();
    fs.writeFileSync(file, kmsgRecords(["old line", oom], 10, 3600) + kmsgRecords([xid79, "new line"], 20, 1));
    const first = await readKernelLog(file, {}, { now: NOW, since: NOW - 600_000, signal });
    // A second old when written, plus however long the machine took to read it back (/proc/uptime has 10 ms steps).
    const passed = performance.now() - written;
    expect(first.unavailable).toBeUndefined();
    expect(first.lines.map((l) => l.text)).toEqual([xid79, "new line"]);
    expect(first.lines[0]!.at).toBeLessThanOrEqual(NOW - 1000 + 20);
    expect(first.lines[0]!.at).toBeGreaterThanOrEqual(NOW - 1000 - passed - 20);
    expect(first.memory).toEqual({ seq: 21, boot: bootId });

    // The next run reads only what came after its cursor, whatever the window.
    fs.appendFileSync(file, kmsgRecords(["later line"], 22, 1));
    const next = await readKernelLog(file, first.memory, { now: NOW, since: NOW - 3_600_000 * 2, signal });
    expect(next.lines.map((l) => l.text)).toEqual(["later line"]);
    expect(next.memory.seq).toBe(22);
  });

  it("a cursor of another boot, or past the file's newest record, is not trusted", async () => {
    const file = path.join(dir, "kmsg-reboot");
    fs.writeFileSync(file, kmsgRecords([oom], 3, 1));
    for (const memory of [
      { seq: 50, boot: bootId },
      { seq: 1, boot: "another-boot" },
    ]) {
      const r = await readKernelLog(file, memory, { now: NOW, since: NOW - 600_000, signal });
      expect(r.lines.map((l) => l.text)).toEqual([oom]);
    }
  });

  it("an unreadable path says why and reads nothing; off reads nothing", async () => {
    const missing = await readKernelLog(path.join(dir, "nope"), {}, { now: NOW, since: 0, signal });
    expect(missing).toMatchObject({ lines: [], unavailable: `${path.join(dir, "nope")}: ENOENT` });
    expect((await readKernelLog(dir, {}, { now: NOW, since: 0, signal })).unavailable).toContain("is a directory");
    expect((await readKernelLog("off", {}, { now: NOW, since: 0, signal })).unavailable).toBe("kernel_log is off");
  });

  it("a FIFO given as the path is read without blocking", () => {
    const fifo = path.join(dir, "fifo");
    if (spawnSync("mkfifo", [fifo]).status === 0) expect(readKmsg(fifo)).toEqual({ records: [] });
  });

  it("/dev/kmsg itself is read to its end without blocking, where this machine lets us", () => {
    const r = readKmsg("/dev/kmsg");
    if ("error" in r) expect(["EPERM", "EACCES", "ENOENT"]).toContain(r.error);
    else expect(r.records.every((x, i, a) => i === 0 || x.seq > a[i - 1]!.seq)).toBe(true);
  });
});

describe("a hostile or huge kernel log does not hold the run", () => {
  it("a huge kmsg-format file: only its newest records are read", () => {
    const file = path.join(dir, "huge.kmsg");
    const line = `6,1,1,-;${"x".repeat(1000)}\n`;
    fs.writeFileSync(file, line.repeat(20_000)); // about 20 MiB
    const r = readKmsg(file);
    // The last MiB of the file: about a thousand records of this size, not twenty thousand.
    expect("records" in r && r.records.length).toBeLessThanOrEqual(Math.ceil((1024 * 1024) / line.length));
  });

  it("a journalctl that hangs is killed at its time limit and says so", async () => {
    const bin = path.join(dir, "hang-bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "journalctl"), "#!/bin/sh\nexec sleep 60\n", { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    try {
      const r = await readKernelLog("journal", {}, { now: NOW, since: NOW - 600_000, signal });
      expect(r).toMatchObject({ lines: [], unavailable: "journalctl did not answer within 5s" });
    } finally {
      process.env.PATH = saved;
    }
  }, 20_000);
});

describe("the evidence of one check", () => {
  const at = NOW - 60_000;
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const lines = (...texts: string[]) => texts.map((text) => ({ at, text }));

  it("the service's own process killed by the OOM killer: named with certainty, as host_oom", () => {
    const ev = findEvidence(lines(oom), { pids: [6154] });
    expect(ev).toEqual([
      { kind: "oom", at, pid: 6154, comm: "python", anonRssKb: 14095848, cgroup: false, certain: true },
    ]);
    expect(evidenceCause(ev)).toBe("host_oom");
    expect(evidenceLine(ev[0]!, "en", time)).toBe(
      "killed by the kernel's OOM killer at 02:12: python (pid 6154), anon-rss 13.4 GiB",
    );
    expect(evidenceLine(ev[0]!, "zh-CN", time)).toBe(
      "02:12 被内核 OOM killer 杀死：python（pid 6154），anon-rss 13.4 GiB",
    );
  });

  it("another process killed: possibly, and no cause named", () => {
    const ev = findEvidence(lines(oom), { pids: [77] });
    expect(ev[0]).toMatchObject({ kind: "oom", certain: false });
    expect(evidenceCause(ev)).toBeUndefined();
    expect(evidenceLine(ev[0]!, "en", time)).toMatch(/^possibly: the kernel's OOM killer killed python \(pid 6154\)/);
  });

  it("a process check's name is enough; a cgroup's limit is said as such", () => {
    const memcg = fixtureLine("oom-killer.dmesg", "Memory cgroup out of memory");
    const ev = findEvidence(lines(memcg), { pids: [], comm: "uwsgi" });
    expect(ev[0]).toMatchObject({ certain: true, cgroup: true });
    expect(evidenceLine(ev[0]!, "en", time)).toContain("this was its memory cgroup's limit");
  });

  it("an Xid is named for any failing check, a lost GPU above the OOM kill; repeats are said once", () => {
    const ev = findEvidence(lines(oom, xid79, xid79), { pids: [6154] });
    expect(ev.map((e) => e.kind)).toEqual(["oom", "xid"]);
    expect(evidenceCause(ev)).toBe("gpu_lost");
    expect(evidenceLine(ev[1]!, "en", time)).toBe(
      "GPU PCI:0000:2b:00: Xid 79 at 02:12, the GPU has fallen off the bus — " +
        "reboot the host; if it repeats, check power, cooling and the PCIe riser",
    );
  });

  it("a process's own name reaches the alert without control characters", () => {
    const ev = findEvidence(lines(oom.replace("(python)", "(\u001b[31mevil\u0007)")), { pids: [6154] });
    expect(ev[0]).toMatchObject({ comm: "evil\ufffd" });
  });

  it("an Xid caused by an earlier one is named by the earlier one", () => {
    const ev = findEvidence(lines(fixtureLine("xid.dmesg", "caused by previous Xid 149")), { pids: [] });
    expect(evidenceCause(ev)).toBe("gpu_hang");
    expect(evidenceLine(ev[0]!, "en", time)).toContain("caused by an earlier Xid 149: NVLink error");
  });
});
