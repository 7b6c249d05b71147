import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtp, type SmtpSink } from "../helpers/smtp.js";
import { freePort, startReceiver, startTcp, type Receiver } from "../system/servers.js";
import { check, CRON, footerIds, readState, T0, tempDir } from "./harness.js";

// Every channel dead for 10 runs while checks fail and recover, then back: every alert of those runs is delivered
// exactly once afterwards, in order, or shown as dropped past max_age. A dead channel refuses at once; the long
// deadlines are for the live servers of this test process, which a busy machine can starve for seconds.
// The two scenarios run at the same time, each with its own files, ports, SMTP server and webhook receiver: most of a
// run here is the in-run retry waits (0.5 s + 1.5 s) for the dead channels, time the other scenario can use.

let dir: string;
beforeAll(() => {
  dir = tempDir("dead");
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// svc: down in runs 0-2 (steps 1 and 2), up at 3 (recovery), down at 5-6, up at 7 (recovery). api: down from run 4 on.
const SVC_DOWN = new Set([0, 1, 2, 5, 6]);
const API_DOWN = (i: number) => i >= 4;

type Hook = { ids: string[] };

async function scenario(name: string, maxAge: string, backAfterMs: number) {
  const smtp: SmtpSink = await startSmtp();
  try {
    const hook: Receiver = await startReceiver();
    try {
      return await scenarioWith(smtp, hook, name, maxAge, backAfterMs);
    } finally {
      await hook.close();
    }
  } finally {
    await smtp.close();
  }
}

async function scenarioWith(smtp: SmtpSink, hook: Receiver, name: string, maxAge: string, backAfterMs: number) {
  const state = path.join(dir, `${name}.json`);
  const config = path.join(dir, `${name}.yaml`);
  const [svcPort, apiPort, deadSmtp, deadHook] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const write = (smtpPort: number, hookPort: number) =>
    fs.writeFileSync(
      config,
      `state_file: ${state}
log_file: ${path.join(dir, `${name}.log`)}
outbox: {max_age: ${maxAge}}
flap: {enabled: false}
channels:
  email: {type: email, host: 127.0.0.1, port: ${smtpPort}, from: wd@example.com, to: [ops@example.com], timeout: 1m}
  hook: {type: webhook, url: "http://127.0.0.1:${hookPort}/hook", timeout: 1m}
escalation:
  - after: 1
    notify: [email, hook]
  - after: 3
    notify: [email, hook]
repeat_every: 0s
checks:
  - {name: svc, type: tcp, port: ${svcPort}, timeout: 30s}
  - {name: api, type: tcp, port: ${apiPort}, timeout: 30s}
`,
    );
  const created = new Map<string, { channel: string; createdAt: number }>();
  const up: Record<string, Awaited<ReturnType<typeof startTcp>> | undefined> = {};
  const set = async (key: string, port: number, isUp: boolean) => {
    if (isUp && !up[key]) up[key] = await startTcp(port);
    if (!isUp && up[key]) {
      await up[key]!.close();
      up[key] = undefined;
    }
  };
  const mailsBefore = smtp.mails.length;
  const hooksBefore = hook.bodies.length;
  try {
    write(deadSmtp, deadHook);
    for (let i = 0; i < 10; i++) {
      await set("svc", svcPort, !SVC_DOWN.has(i));
      await set("api", apiPort, !API_DOWN(i));
      const r = await check(config, T0 + i * CRON);
      expect(r.code, r.stderr).toBe(0);
      // A retried entry may be stored merged with others (mergedIds): each id is an alert of its own.
      for (const e of readState(state)!.outbox) {
        for (const id of e.message.mergedIds ?? [e.message.id])
          if (!created.has(id)) created.set(id, { channel: e.message.channel, createdAt: i });
      }
    }
    expect(smtp.mails.length).toBe(mailsBefore);
    expect(hook.bodies.length).toBe(hooksBefore);
    // The channels are back; time moves on past every backoff. Two more runs must send nothing new.
    write(smtp.port, hook.port);
    for (let j = 0; j < 3; j++) {
      const r = await check(config, T0 + 9 * CRON + backAfterMs + j * CRON);
      expect(r.code, r.stderr).toBe(0);
    }
  } finally {
    await set("svc", svcPort, false);
    await set("api", apiPort, false);
  }
  const final = readState(state)!;
  const delivered = {
    email: smtp.mails.slice(mailsBefore).flatMap((m) => footerIds(m.text ?? "")),
    hook: (hook.bodies.slice(hooksBefore) as Hook[]).flatMap((b) => b.ids),
  };
  return { created, delivered, final };
}

function byCreation(ids: string[], created: Map<string, { createdAt: number }>): string[] {
  return [...ids].sort((a, b) => created.get(a)!.createdAt - created.get(b)!.createdAt);
}

describe.concurrent("every channel dead for 10 runs", () => {
  it("dead for 10 runs, then back: every alert delivered exactly once, in order", async () => {
    const { created, delivered, final } = await scenario("back", "24h", 2 * 3_600_000);
    // svc: step 1, step 2, recovery, step 1, recovery; api: step 1, step 2 (in runs 0, 2, 3, 4, 5, 6, 7) — per channel.
    expect(created.size).toBe(14);
    for (const channel of ["email", "hook"] as const) {
      const ids = [...created].filter(([, c]) => c.channel === channel).map(([id]) => id);
      expect(delivered[channel]).toEqual(byCreation(ids, created));
    }
    expect(final.outbox).toEqual([]);
    expect(final.dropped).toEqual([]);
  }, 180_000);

  it(
    "dead for 10 runs, back after max_age: " +
      "what is too old is dropped and shown, the rest delivered once, in order",
    async () => {
      // Back 61 min after the last dead run (minute 18), when every backoff has passed: at minute 79, the messages of
      // runs 0-4 (minutes 0-8) are older than max_age (70 min) and dropped; those of runs 5-7 are delivered.
      const { created, delivered, final } = await scenario("aged", "70m", 61 * 60_000);
      expect(created.size).toBe(14);
      const dropped = final.dropped.map((d) => d.id);
      expect(final.dropped.every((d) => /max_age/.test(d.why))).toBe(true);
      expect(final.droppedTotal).toBe(dropped.length);
      expect(dropped.length).toBeGreaterThan(0);
      expect(delivered.email.length + delivered.hook.length).toBeGreaterThan(0);
      for (const channel of ["email", "hook"] as const) {
        const ids = [...created].filter(([, c]) => c.channel === channel).map(([id]) => id);
        const sent = delivered[channel];
        expect(new Set(sent).size).toBe(sent.length);
        expect(sent).toEqual(byCreation(sent, created));
        // Each alert exactly one of: delivered, dropped.
        expect([...sent, ...dropped.filter((id) => created.get(id)?.channel === channel)].sort()).toEqual(
          [...ids].sort(),
        );
      }
      expect(final.outbox).toEqual([]);
    },
    180_000,
  );
});
