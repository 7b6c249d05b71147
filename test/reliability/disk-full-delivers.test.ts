import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnLockHolder } from "../helpers/lock-holder.js";
import { freePort } from "../helpers/net.js";
import type { VendorServer } from "../helpers/vendors/http-vendor.js";
import { startWebhook } from "../helpers/vendors/webhook.js";
import { runAsCron } from "../e2e/field-helpers.js";
import { BUILT, tempDir } from "./harness.js";

// The disk under the state directory fills up: the lock, the state and the history cannot be written. The run
// still probes and delivers (the "disk full" alert is the one that matters), says on stderr that the state could not
// be saved, and the first run with space back goes on from the saved state. Each case runs in its own mount
// namespace (unshare -m) on a 256 KiB tmpfs, which vanishes with it.

const ROOT = process.getuid?.() === 0;
const probeDir = ROOT ? tempDir("unshare-probe") : "";
const CAN =
  ROOT &&
  process.platform === "linux" &&
  spawnSync("unshare", ["-m", "sh", "-c", `mount -t tmpfs -o size=64k tmpfs ${probeDir} && umount ${probeDir}`])
    .status === 0;
if (probeDir) fs.rmSync(probeDir, { recursive: true, force: true });
const SKIP = CAN ? "" : " (SKIPPED: needs root, unshare -m and mount -t tmpfs)";
if (!CAN) console.warn(`test/reliability/disk-full-delivers:${SKIP}`);

let dir: string;
let hook: VendorServer;
let downPort: number;
beforeAll(async () => {
  dir = tempDir("disk-full");
  hook = await startWebhook();
  downPort = await freePort();
});
afterAll(async () => {
  await hook?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Step is what one cron run left: its exit code, its stderr (cron's mail), the state directory after it. */
type Step = { rc: number; mail: string; files: string[]; state: string };

/**
 * runSteps mounts a fresh tmpfs on `stateDir` in a new mount namespace and runs `steps` there (shell lines; RUN is
 * one cron run of watchdog, stdout thrown away), recording each run's exit code, stderr and the state directory.
 */
async function runSteps(stateDir: string, config: string, steps: string[]): Promise<Step[]> {
  const out = path.join(dir, `steps-${path.basename(stateDir)}`);
  fs.mkdirSync(out, { recursive: true });
  const run = (i: number) =>
    `"${process.execPath}" "${BUILT}" check -c "${config}" >/dev/null 2>"${out}/${i}.err"; ` +
    `echo $? >"${out}/${i}.rc"; ` +
    `ls -A "${stateDir}" >"${out}/${i}.ls"; cat "${stateDir}/state.json" >"${out}/${i}.state" 2>/dev/null; true`;
  let n = 0;
  const body = steps.map((s) => (s === "RUN" ? run(n++) : s)).join("\n");
  const script = `${out}.sh`;
  fs.writeFileSync(script, `mount -t tmpfs -o size=256k,mode=0700 tmpfs "${stateDir}" || exit 9\n${body}\n`);
  const r = await runAsCron(`unshare -m sh "${script}"`);
  expect(r.code, r.mail).toBe(0);
  return Array.from({ length: n }, (_, i) => ({
    rc: Number(fs.readFileSync(`${out}/${i}.rc`, "utf8")),
    mail: fs.readFileSync(`${out}/${i}.err`, "utf8"),
    files: fs.readFileSync(`${out}/${i}.ls`, "utf8").split("\n").filter(Boolean).sort(),
    state: fs.readFileSync(`${out}/${i}.state`, "utf8"),
  }));
}

/**
 * setup writes a config with a system check of the state directory's disk, a check that is down, and a webhook.
 * Only state_file is set: the log and the history are beside the state, on the full disk too.
 */
function setup(name: string): { stateDir: string; config: string } {
  const stateDir = path.join(dir, name);
  fs.mkdirSync(stateDir);
  const config = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    config,
    `state_file: ${stateDir}/state.json\nchannels:\n  hook: {type: webhook, url: "${hook.url}"}\n` +
      `escalation:\n  - {after: 1, notify: [hook]}\n` +
      `checks:\n  - {name: state-disk, type: system, memory: false, load: false,` +
      ` disk: {paths: ["${stateDir}"], warning: 80, critical: 90}}\n` +
      `  - {name: svc, type: tcp, port: ${downPort}, timeout: 1s}\n`,
    { mode: 0o600 },
  );
  return { stateDir, config };
}

describe(`disk full under the state directory${SKIP}`, () => {
  it.skipIf(!CAN).each([
    // No room at all: even the lock cannot be created.
    ["when the run starts (the lock)", 0, /^watchdog: state could not be saved: cannot create lock .*ENOSPC/],
    // One page left: the lock takes it, then the state cannot be saved (before the send, and after it).
    ["when the state is saved", 4, /^watchdog: state could not be saved: cannot write .*state\.json: disk full/],
  ] as const)(
    "%s: the disk alert still goes out, stderr says the state was not saved, the next run with space saves it",
    async (_when, leaveKiB, why) => {
      const { stateDir, config } = setup(`state-${leaveKiB}`);
      const steps = await runSteps(stateDir, config, [
        "RUN", // space: svc is down and alerted, the disk is fine
        // Fill the disk, all but what a reserve file held.
        `dd if=/dev/zero of="${stateDir}/reserve" bs=1k count=${leaveKiB} 2>/dev/null`,
        `dd if=/dev/zero of="${stateDir}/filler" bs=4k 2>/dev/null || true`,
        `rm "${stateDir}/reserve"`,
        "RUN", // disk full: the lock cannot even be created
        `rm "${stateDir}/filler"`,
        "RUN", // space again
      ]);
      const [first, full, back] = steps as [Step, Step, Step];
      expect([first.rc, first.mail]).toEqual([0, ""]);
      expect(JSON.parse(first.state).checks.svc.failStreak).toBe(1);

      // Full: the alert about the disk arrived; svc's step had already fired, so it is not repeated.
      const sent = hook.delivered().slice(-2);
      expect(sent).toHaveLength(2);
      expect(sent[0].items.map((i: { check: string }) => i.check)).toEqual(["svc"]);
      expect(sent[1].items).toMatchObject([{ check: "state-disk", status: "critical" }]);
      expect(full.rc).toBe(1);
      expect(full.mail).toMatch(why);
      expect(full.mail).not.toMatch(/\n\s+at /);
      expect(full.mail.trim().split("\n")).toHaveLength(1);
      // Nothing was written there: no lock, no temp file, the previous state as it was (the copy of the config that
      // validated is the first run's).
      expect(full.state).toBe(first.state);
      expect(full.files.filter((f) => !["filler", "watchdog.log", "history.jsonl"].includes(f))).toEqual([
        "state.json",
        "state.json.config-good.yaml",
      ]);

      // Space again: a normal run, from the saved state, with nothing left behind in the way.
      expect([back.rc, back.mail]).toEqual([0, ""]);
      const state = JSON.parse(back.state);
      expect(state.checks.svc.failStreak).toBe(2);
      expect(state.checks["state-disk"].status).toBe("ok");
      expect(back.files.filter((f) => f.includes(".lock") || f.includes(".new") || f.includes(".tmp"))).toEqual([]);
      expect(hook.delivered().slice(-2)).toEqual(sent);
    },
    180_000,
  );

  it.skipIf(!CAN)(
    "a lock a live run holds is still honoured on a full disk: exit 75, nothing sent twice",
    async () => {
      const { stateDir, config } = setup("state-held");
      const holder = spawnLockHolder();
      try {
        const lock = path.join(dir, "held.lock");
        fs.writeFileSync(lock, holder.line);
        const sentBefore = hook.delivered().length;
        const steps = await runSteps(stateDir, config, [
          "RUN",
          `cp "${lock}" "${stateDir}/state.json.lock"`,
          `dd if=/dev/zero of="${stateDir}/filler" bs=4k 2>/dev/null || true`,
          "RUN", // another run holds the lock: it is the one sending
          `rm "${stateDir}/state.json.lock"`,
          "RUN", // that run is done: this one probes and delivers without a lock
        ]);
        const [first, held, alone] = steps as [Step, Step, Step];
        expect([first.rc, first.mail]).toEqual([0, ""]);
        expect(held.rc).toBe(75);
        expect(held.mail).toMatch(new RegExp(`another watchdog check \\(pid ${holder.child.pid}\\) is running`));
        expect(alone.rc).toBe(1);
        // The lock's page is free again: this run takes the lock, and its save is refused.
        expect(alone.mail).toMatch(/^watchdog: state could not be saved: .*disk full/);
        const sent = hook.delivered().slice(sentBefore);
        expect(sent.map((m) => m.items.map((i: { check: string }) => i.check))).toEqual([["svc"], ["state-disk"]]);
      } finally {
        holder.child.kill("SIGKILL");
      }
    },
    180_000,
  );
});
