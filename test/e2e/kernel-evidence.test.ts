import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fixtureLine, kmsgRecords } from "../helpers/kmsg.js";
import { freePort } from "../helpers/net.js";
import { cli, CLI, CRON, CRON_ENV, cronAt, emailChannel, T0, useField, writePrivate } from "./field-helpers.js";

// A service dies and no log check is configured: the kernel's own log says why. watchdog reads it (a kmsg-format
// file or a fake journalctl stand in for the kernel, holding real captured OOM-killer and Xid text) when a check
// fails, and the alert names the cause. The built CLI runs as cron runs it.

const field = useField();
let service: ChildProcess | undefined;
afterEach(() => {
  service?.kill("SIGKILL");
  service = undefined;
});

const OOM = fixtureLine("oom-killer.dmesg", "Out of memory: Killed process 6154");
const CONSTRAINT = fixtureLine("oom-killer.dmesg", "oom-kill:constraint=CONSTRAINT_NONE");
const XID79 = fixtureLine("xid.dmesg", "): 79, ");

/** startService starts a Node TCP server on port (its argv carries `tag`), and waits until it answers. */
async function startService(port: number, tag: string): Promise<ChildProcess> {
  const code = `require("net").createServer((c) => c.end()).listen(${port}, "127.0.0.1") // ${tag}`;
  const child = spawn(process.execPath, ["-e", code], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.end(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`service on ${port} never answered`);
}

async function kill(child: ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once("exit", r));
}

/** asKilled is the captured OOM report with the pid and name of the process the test killed. */
const asKilled = (line: string, pid: number) => line.replace(/6154/g, String(pid)).replace(/python/g, "node");

function setup(name: string, kernelLog: string, checks: string, escalation = "[{after: 1, notify: [email]}]") {
  const home = path.join(field.dir, name);
  const config = writePrivate(
    path.join(home, "watchdog.yaml"),
    `host: gpu-box\nstate_file: ${home}/state.json\nkernel_log: ${kernelLog}\n` +
      `channels:\n${emailChannel(field.smtp.port)}escalation: ${escalation}\nchecks:\n${checks}`,
  );
  const run = (n: number, env: Record<string, string> = {}) =>
    cronAt(`${process.execPath} ${CLI} --config ${config} check >/dev/null`, n, { SMTP_PASS: "right-pass", ...env });
  return { home, run };
}

const mailsAbout = (check: string) => field.smtp.mails.filter((m) => (m.text ?? "").includes(check));

describe("kernel evidence in the alert, through the built CLI as cron runs it", () => {
  it("the service's process killed by the OOM killer: the email names it, with anon-rss and time", async () => {
    const port = await freePort();
    const kmsg = path.join(field.dir, "oom.kmsg");
    fs.writeFileSync(kmsg, kmsgRecords(["Linux version 6.8.0", "an old record"], 0, 60));
    const { home, run } = setup(
      "oom",
      kmsg,
      `  - {name: tts-oom, type: tcp, host: 127.0.0.1, port: ${port}, timeout: 2s}\n`,
    );
    service = await startService(port, "tts-oom");
    expect((await run(0)).mail).toBe("");
    // A healthy run reads no kernel log (no cursor kept); it notes which process holds the port.
    const healthy = JSON.parse(fs.readFileSync(path.join(home, "state.json"), "utf8")).kernel;
    expect(healthy).toEqual({ owners: { "tts-oom": { pid: service.pid, comm: "node" } } });

    const pid = service.pid!;
    await kill(service);
    fs.appendFileSync(kmsg, kmsgRecords([asKilled(CONSTRAINT, pid), asKilled(OOM, pid)], 2, 1));
    expect((await run(1)).mail).toBe("");

    const [mail] = mailsAbout("tts-oom");
    expect(mail?.text).toMatch(
      new RegExp(
        `Kernel: killed by the kernel's OOM killer at 2026-11-22 09:0[12]:\\d\\d\\S*: node \\(pid ${pid}\\), ` +
          "anon-rss 13.4 GiB",
      ),
    );
    expect(mail?.text).toContain("Probable cause: host_oom: the host ran out of RAM");
  }, 60_000);

  it("an Xid 79 in the window: the GPU fell off the bus, and the restart is skipped", async () => {
    const port = await freePort();
    const kmsg = path.join(field.dir, "xid.kmsg");
    const marker = path.join(field.dir, "xid-restarted");
    fs.writeFileSync(kmsg, kmsgRecords([fixtureLine("xid.dmesg", "GPU at PCI:0000:2b:00"), XID79], 100, 5));
    const { run } = setup(
      "xid",
      kmsg,
      `  - {name: llm-xid, type: tcp, host: 127.0.0.1, port: ${port}, timeout: 2s,\n` +
        `     restart: {command: [/bin/touch, ${marker}], verify_after: 0s}}\n`,
      "[{after: 1, notify: [email], restart: true}]",
    );
    expect((await run(0)).mail).toBe("");
    const [mail] = mailsAbout("llm-xid");
    expect(mail?.text).toMatch(/Kernel: GPU PCI:0000:2b:00: Xid 79 at 2026-11-22 08:59:5\d/);
    expect(mail?.text).toContain("Probable cause: gpu_lost");
    expect(mail?.text).toContain("the GPU has fallen off the bus — reboot the host");
    expect(mail?.text).toContain("Restart: skipped: the GPU fell off the bus");
    expect(fs.existsSync(marker)).toBe(false);
  }, 60_000);

  it("the journal route: a fake journalctl on PATH gives the OOM kill of a process check's process", async () => {
    const port = await freePort();
    const tag = `kernel-evidence-svc-${port}`;
    const bin = path.join(field.dir, "bin");
    const args = path.join(field.dir, "journalctl.args");
    fs.mkdirSync(bin, { recursive: true });
    const { run } = setup("journal", "journal", `  - {name: asr-journal, type: process, match: "${tag}"}\n`);
    service = await startService(port, tag);
    expect((await run(0)).mail).toBe("");

    const pid = service.pid!;
    await kill(service);
    const at = new Date(T0 + CRON - 30_000).toISOString().replace(/\.\d+Z$/, "+0000");
    const out = [asKilled(CONSTRAINT, pid), asKilled(OOM, pid)].map((t) => `${at} gpu-box kernel: ${t}`).join("\n");
    fs.writeFileSync(path.join(bin, "journalctl"), `#!/bin/sh\necho "$@" > ${args}\ncat <<'EOF'\n${out}\nEOF\n`, {
      mode: 0o755,
    });
    expect((await run(1, { PATH: `${bin}:${CRON_ENV.PATH}` })).mail).toBe("");

    expect(fs.readFileSync(args, "utf8")).toMatch(/^-k -o short-iso --since=@\d+ --no-pager/);
    const [mail] = mailsAbout("asr-journal");
    expect(mail?.text).toContain(`Kernel: killed by the kernel's OOM killer at 2026-11-22 09:01:30`);
    expect(mail?.text).toContain(`node (pid ${pid}), anon-rss 13.4 GiB`);
  }, 60_000);

  it("an unreadable kernel log: the alert still goes out, without kernel evidence", async () => {
    const port = await freePort();
    const { run } = setup(
      "unreadable",
      path.join(field.dir, "no-such-dir", "kmsg"),
      `  - {name: img-down, type: tcp, host: 127.0.0.1, port: ${port}, timeout: 2s}\n`,
    );
    expect((await run(0)).mail).toBe("");
    const [mail] = mailsAbout("img-down");
    expect(mail?.text).toContain("refused the connection");
    expect(mail?.text).not.toContain("Kernel:");

    // validate says why, once, before the night.
    const v = await cli(["validate", "--config", path.join(field.dir, "unreadable", "watchdog.yaml")], {
      SMTP_PASS: "right-pass",
    });
    expect(v.code).toBe(0);
    expect(v.stderr).toMatch(
      /watchdog\.yaml:3:\d+: kernel_log: kernel evidence \(OOM kills, GPU Xid errors\) is unavailable: .*ENOENT/,
    );
  }, 60_000);
});
