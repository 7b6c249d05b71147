import { describe, expect, it } from "vitest";
import { causeById } from "../../../src/probes/log/causes.js";
import { parseJournalLine } from "../../../src/probes/kernel/journal.js";
import { parseKmsgRecord } from "../../../src/probes/kernel/kmsg.js";
import { formatKb, memcgConstraint, parseOomKill } from "../../../src/probes/kernel/oom.js";
import { parseXid, rootXid, xidInfo, XIDS } from "../../../src/probes/kernel/xid.js";
import { dmesgFixture, fixtureLine } from "../../helpers/kmsg.js";

// The parsers read the real kernel text of test/fixtures/kernel/ (each line's source is cited there).

describe("the OOM killer's report", () => {
  it.each([
    // [needle in oom-killer.dmesg, pid, comm, anon-rss kB, a cgroup's limit]
    ["Out of memory: Killed process 6154", 6154, "python", 14095848, false],
    ["Memory cgroup out of memory: Killed process 63214", 63214, "uwsgi", 164992, true],
    ["Killed process 935 (python)", 935, "python", 102104, false],
    ["Killed process 15925", 15925, "(resolved)", 4064, false],
    ["Killed process 42452", 42452, "memcg_test_1", 96, false],
  ])("%s", (needle, pid, comm, anonRssKb, cgroup) => {
    expect(parseOomKill(fixtureLine("oom-killer.dmesg", needle))).toEqual({ pid, comm, anonRssKb, cgroup });
  });

  it("reads the constraint line, and nothing from the reaper's or other lines", () => {
    const constraint = fixtureLine("oom-killer.dmesg", "oom-kill:constraint=");
    expect(memcgConstraint(constraint)).toBeUndefined(); // CONSTRAINT_NONE: the host's RAM
    expect(memcgConstraint(constraint.replace("CONSTRAINT_NONE", "CONSTRAINT_MEMCG"))).toBe(6154);
    expect(parseOomKill(fixtureLine("oom-killer.dmesg", "oom_reaper"))).toBeUndefined();
    for (const { text } of dmesgFixture("xid.dmesg")) expect(parseOomKill(text)).toBeUndefined();
  });

  it("says sizes as a person reads them", () => {
    expect(formatKb(14095848)).toBe("13.4 GiB");
    expect(formatKb(164992)).toBe("161 MiB");
  });
});

describe("NVRM Xid lines and the Xid table", () => {
  it.each([
    // [needle, code, PCI, pid, the catalog cause]
    ["): 13, ", 13, "0000:cb:00", undefined, "cuda_error"],
    ["): 109, ", 109, "0000:cb:00", 1797828, "gpu_hang"],
    ["): 43, ", 43, "0000:00:05", 1045242, "cuda_error"],
    ["): 31, ", 31, "0000:00:07", 2512125, "cuda_error"],
    ["): 94, ", 94, "0000:00:08", undefined, "gpu_hw_memory"],
    ["): 63, ", 63, "0000:10:1c", 1896, "gpu_hw_memory"],
    ["): 79, ", 79, "0000:2b:00", undefined, "gpu_lost"],
    ["): 119, ", 119, "0000:9b:00", 4071838, "gpu_hang"],
    ["distprovers", 45, "0000:61:00", 1496200, "cuda_error"],
  ])("Xid line with %s", (needle, code, pci, pid, cause) => {
    const xid = parseXid(fixtureLine("xid.dmesg", needle))!;
    expect(xid).toMatchObject({ code, pci });
    expect(xid.pid).toBe(pid);
    expect(xid.causedBy).toBeUndefined();
    expect(xidInfo(rootXid(xid)).cause).toBe(cause);
  });

  it("an Xid caused by an earlier one takes the earlier one's cause (45 after 149: NVLink)", () => {
    const xid = parseXid(fixtureLine("xid.dmesg", "caused by previous Xid"))!;
    expect(xid).toMatchObject({ code: 45, causedBy: 149, pid: 1818990, name: "python3" });
    expect(rootXid(xid)).toBe(149);
    expect(xidInfo(149).cause).toBe("gpu_hang");
    expect(xidInfo(149).text.en.meaning).toBe("NVLink error");
  });

  it("every row names a cause of the catalog and says meaning and action in en and zh-CN", () => {
    for (const code of [13, 31, 43, 45, 48, 61, 62, 63, 64, 68, 74, 79, 92, 94, 95, 109, 119, 120, 149, 154]) {
      const row = XIDS.get(code);
      expect(row, `Xid ${code}`).toBeDefined();
      expect(causeById(row!.cause), `Xid ${code}: ${row!.cause}`).toBeDefined();
      for (const l of ["en", "zh-CN"] as const) expect(row!.text[l].meaning && row!.text[l].action).toBeTruthy();
    }
    expect(xidInfo(999).text.en.meaning).toBe("Xid 999 (see NVIDIA's Xid catalog)");
    expect(parseXid(fixtureLine("xid.dmesg", "GPU at PCI:0000:2b:00"))).toBeUndefined();
  });
});

describe("kmsg records and journal lines", () => {
  it("reads PRI,SEQ,TS_USEC,FLAGS;text and skips continuation lines", () => {
    expect(parseKmsgRecord("6,1234,9122407411,-;Out of memory: Killed process 6154 (python)")).toEqual({
      seq: 1234,
      tsUs: 9122407411,
      text: "Out of memory: Killed process 6154 (python)",
    });
    // The kernel's first record, as /dev/kmsg gave it on this project's test machine.
    expect(parseKmsgRecord("5,0,0,-;Linux version 6.18.44")?.seq).toBe(0);
    expect(parseKmsgRecord(" SUBSYSTEM=pci")).toBeUndefined();
    expect(parseKmsgRecord(" DEVICE=+pci:0000:2b:00.0")).toBeUndefined();
    expect(parseKmsgRecord("no record here")).toBeUndefined();
    expect(parseKmsgRecord(`4,7,1,-;${"x".repeat(10_000)}`)!.text.length).toBe(4096);
  });

  it("reads journalctl -k -o short-iso lines in both offset forms, with or without a printk time", () => {
    const text = fixtureLine("oom-killer.dmesg", "Killed process 15925");
    expect(parseJournalLine(`2026-12-07T02:13:05+0000 gpu-box kernel: ${text}`)).toEqual({
      at: Date.UTC(2026, 11, 7, 2, 13, 5),
      text,
    });
    expect(parseJournalLine(`2026-12-07T10:13:05+08:00 gpu-box kernel: [  518.061172] ${text}`)).toEqual({
      at: Date.UTC(2026, 11, 7, 2, 13, 5),
      text,
    });
    expect(parseJournalLine("-- No entries --")).toBeUndefined();
    expect(parseJournalLine("2026-12-07T02:13:05+0000 gpu-box systemd[1]: Started x.service.")).toBeUndefined();
  });
});
