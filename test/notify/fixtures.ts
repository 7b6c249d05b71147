// Snapshots render times in the local timezone: pin it.
process.env.TZ = "UTC";

import { afterEach } from "vitest";
import type { Deps } from "../../src/deps.js";
import type { Message, NotifyItem } from "../../src/engine/types.js";
import { silentLogger } from "../../src/logger.js";
import type { ChannelContext, SendOutcome } from "../../src/notify/types.js";

/** T0 is a fixed instant: 2026-11-22 01:30:00 UTC (09:30 in Shanghai). */
export const T0 = Date.UTC(2026, 10, 22, 1, 30, 0);

/** item is a failing-check item with every optional field a probe can give. */
export function item(over: Partial<NotifyItem> = {}): NotifyItem {
  return {
    check: "cosyvoice",
    reason: "step",
    step: 1,
    severity: "critical",
    status: "critical",
    summary: "GET http://127.0.0.1:50000/health: connection refused",
    failStreak: 3,
    since: T0 - 4 * 60_000,
    restarts: 0,
    restartsHelped: 0,
    cause: "GPU out of memory (CUDA OOM)",
    excerpt: [
      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
      '  File "/srv/cosyvoice/app.py", line 42, from 10.0.0.7',
    ],
    runbook: "https://wiki.example.com/runbooks/cosyvoice",
    ...over,
  };
}

/** retryable is a send the server failed (HTTP 500): it may be tried again. */
export const retryable: SendOutcome = { ok: false, retryable: true, reason: "server", error: "HTTP 500" };

/** refusedFor is a send refused for good (a bad signature or key) with the vendor's `error`, and a hint. */
export const refusedFor = (error: string): SendOutcome => ({
  ok: false,
  retryable: false,
  reason: "auth",
  error,
  hint: "check `secret`",
});

/** message wraps items in a message for one channel. */
export function message(channel: string, items: NotifyItem[] = [item()], over: Partial<Message> = {}): Message {
  return { id: "mwt1abc-" + channel, channel, host: "gpu-box-01", createdAt: T0, items, ...over };
}

/** fixedDeps is Deps with a settable clock and no waiting. */
export function fixedDeps(now = T0): Deps & { clock: { now(): number; set(t: number): void } } {
  let t = now;
  return {
    clock: { now: () => t, set: (x: number) => (t = x) },
    env: {},
    hostname: "gpu-box-01",
    cwd: "/",
    logger: silentLogger(),
    sleep: async () => {},
    random: () => 0.5,
  };
}

/** ctx is a channel context on a fixed clock. */
export function ctx(name: string, locale: "en" | "zh-CN" = "en", now = T0): ChannelContext {
  return { name, deps: fixedDeps(now), locale };
}

/** neverAborted is a signal for sends without a deadline in unit tests (each test has its own timeout). */
export function deadline(ms = 5000): AbortSignal {
  return AbortSignal.timeout(ms);
}

/** hugeMessage is one item with a 300-line Chinese excerpt (emoji included), far over every robot's size limit. */
export function hugeMessage(): Message {
  return message("x", [
    item({ excerpt: Array.from({ length: 300 }, (_, i) => `第${i}行：显存不足 CUDA out of memory 😱`) }),
  ]);
}

/** closedAfterEach returns `keep`: a fake vendor handed to it is closed after the test that started it. */
export function closedAfterEach(): <T extends { close(): Promise<void> }>(server: T) => T {
  let open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    const closing = open;
    open = [];
    await Promise.all(closing.map((s) => s.close()));
  });
  return (server) => {
    open.push(server);
    return server;
  };
}
