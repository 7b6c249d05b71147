import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { startWebhook } from "../helpers/vendors/webhook.js";
import type { VendorServer } from "../helpers/vendors/http-vendor.js";
import { cli, CLI, cronAt, CRON, T0 } from "./field-helpers.js";

// A model server written the usual way (python, its log in a file) dies because the disk is full. Its log check
// depends on it, so the service's alert carries the log's cause. A restart cannot free the disk: watchdog must not
// run the `nohup ... &` hook, and must page the SMS step at the first failing run with the fix, not at the third.

let dir: string;
let chat: VendorServer;
let sms: VendorServer;
let service: ChildProcess | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-ladder-"));
  [chat, sms] = await Promise.all([startWebhook(), startWebhook()]);
});

afterAll(async () => {
  service?.kill("SIGKILL");
  await Promise.all([chat.close(), sms.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** waitPort waits (bounded) until the python service answers. */
async function waitPort(port: number): Promise<void> {
  const net = await import("node:net");
  for (let i = 0; i < 300; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.end(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`service on ${port} never answered`);
}

/** VllmSetup is what writeConfig writes: the service's port and log, its ladder (YAML), and more of its keys. */
type VllmSetup = { port: number; log: string; channels?: string; ladder: string; restart?: string; logCheck?: string };

/**
 * writeConfig writes HOME/watchdog.yaml with the chat and sms webhooks (`channels` adds more), the ladder, and two
 * checks: `vllm` on port, restarted by HOME/restart.sh, and `vllm-log`, which depends on it. `restart` and
 * `logCheck` add keys (whole lines) to its restart block and to the log check. Returns the config and a cron run.
 */
function writeConfig(home: string, s: VllmSetup) {
  const config = path.join(home, "watchdog.yaml");
  fs.writeFileSync(
    config,
    `host: gpu-box
state_file: ${home}/state.json
channels:
  chat: {type: webhook, url: "${chat.url}"}
  sms: {type: webhook, url: "${sms.url}"}
${s.channels ?? ""}${s.ladder}checks:
  - name: vllm
    type: tcp
    host: 127.0.0.1
    port: ${s.port}
    timeout: 2s
    restart:
      command: [/bin/sh, ${home}/restart.sh]
      verify_after: 0s
${s.restart ?? ""}  - name: vllm-log
    type: log
    path: ${s.log}
${s.logCheck ?? ""}    depends_on: [vllm]
`,
  );
  const run = (n: number) => cronAt(`${process.execPath} ${CLI} --config ${config} check >/dev/null`, n);
  return { config, run };
}

describe("a cause a restart cannot fix, through the built CLI as cron runs it", () => {
  it("disk full in the service's log: no restart, the SMS step hears at run 1 with the fix", async () => {
    const port = await freePort();
    const log = path.join(dir, "vllm.log");
    const marker = path.join(dir, "restarted");
    fs.writeFileSync(log, "INFO: loading model\n");
    fs.writeFileSync(
      path.join(dir, "restart.sh"),
      `#!/bin/sh\ntouch ${marker}\nnohup python3 -m http.server ${port} --bind 127.0.0.1 >/dev/null 2>&1 &\n`,
      { mode: 0o755 },
    );
    const ladder = `escalation:
  - after: 1
    notify: [chat]
  - after: 3
    notify: [sms]
    restart: true
repeat_every: 0
`;
    const { run } = writeConfig(dir, { port, log, ladder });

    service = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1"], { stdio: "ignore" });
    await waitPort(port);
    expect((await run(0)).mail).toBe("");
    expect(chat.delivered()).toHaveLength(0);

    // The server writes its last words and dies.
    fs.appendFileSync(log, "OSError: [Errno 28] No space left on device: '/root/.cache/huggingface/hub/tmp'\n");
    service.kill("SIGKILL");
    await new Promise((r) => service!.once("exit", r));

    const r1 = await run(1);
    expect(r1.mail).toBe("");
    expect(fs.existsSync(marker)).toBe(false);
    const paged = JSON.stringify(sms.delivered());
    expect(sms.delivered()).toHaveLength(1);
    expect(paged).toContain("skipped: the disk is full; a restart cannot fix this");
    expect(paged).toContain("free space"); // the fix, from the cause catalog
    expect(JSON.stringify(chat.delivered())).toContain("disk_full");

    // The third failure, where the ladder restarts, restarts nothing and pages no one again.
    for (const n of [2, 3]) expect((await run(n)).mail).toBe("");
    expect(fs.existsSync(marker)).toBe(false);
    expect(sms.delivered()).toHaveLength(1);
  }, 60_000);
});

describe("restarts exhausted escalate, through the built CLI as cron runs it", () => {
  it("past the limit one 'giving up' reaches the highest step with the cause and the hook's output", async () => {
    const home = path.join(dir, "gave-up");
    fs.mkdirSync(home);
    const port = await freePort();
    const log = path.join(home, "vllm.log");
    fs.writeFileSync(log, "INFO: loading model\n");
    // The hook starts the server in the background as people write it; the server dies of the same OOM at once.
    fs.writeFileSync(
      path.join(home, "restart.sh"),
      `#!/bin/sh\necho "restarting vllm on ${port}"\n` +
        `nohup python3 -c "import sys; sys.exit('CUDA out of memory')" >/dev/null 2>&1 &\n`,
      { mode: 0o755 },
    );
    const phone = await startWebhook();
    const { config, run } = writeConfig(home, {
      port,
      log,
      channels: `  phone: {type: webhook, url: "${phone.url}"}\n`,
      ladder: `escalation:
  - {after: 1, notify: [chat]}
  - {after: 2, notify: [sms], restart: true}
  - {after: 30, notify: [phone]}
repeat_every: 2m
`,
      restart: "      limit: {max: 1, within: 1h}\n",
      logCheck: "    from: start\n",
    });
    try {
      fs.appendFileSync(log, "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n");
      for (const n of [1, 2, 3, 4, 5]) expect((await run(n)).mail).toBe("");
      const told = phone.delivered().map((b) => JSON.stringify(b));
      expect(told).toHaveLength(1);
      expect(told[0]).toContain("restart limit reached");
      expect(told[0]).toContain("gpu_oom");
      expect(told[0]).toContain(`restarting vllm on ${port}`);
      const status = await cli(["--config", config, "status"], { WATCHDOG_TEST_NOW: String(T0 + 5 * CRON) });
      expect(status.stdout).toContain("gave up on restarts");
    } finally {
      await phone.close();
    }
  }, 60_000);
});
