import { z } from "zod";
import type { Message, NotifyItem } from "../engine/types.js";
import { num, opt, recordOf, severity, status, str, wordOf } from "./schema-fields.js";

// The outbox's part of the state file: messages, their items and restart outcomes, what was dropped or refused.

const restartOutcome = z.looseObject({
  exitCode: num.nullable(),
  signal: str.nullable(),
  timedOut: z.boolean(),
  durationMs: num,
  outputTail: str,
  after: opt(status),
  helped: z.boolean(),
  error: opt(str),
});

const notifyItem = z.looseObject({
  check: str,
  reason: wordOf<NotifyItem["reason"]>(),
  step: num,
  severity,
  status,
  summary: str,
  detail: opt(str),
  excerpt: opt(z.array(str)),
  cause: opt(str),
  failStreak: num,
  since: num,
  outageMs: opt(num),
  restarts: num,
  restartsHelped: num,
  restartPlanned: opt(z.boolean()),
  restart: opt(restartOutcome),
  restartSkipped: opt(str),
  lastHookTail: opt(str),
  runbook: opt(str),
  labels: opt(recordOf(str)),
  notice: opt(wordOf<NotifyItem["notice"]>()),
  // Only `true` is written; a hand-written false means the same as absent.
  wasFlapping: opt(z.boolean().transform((b) => b || undefined)),
  afterMaintenance: opt(z.boolean().transform((b) => b || undefined)),
  notBack: opt(z.looseObject({ agoMs: num, loadMs: opt(num) })),
  flapShare: opt(num),
  alsoAffected: opt(z.array(str)),
  monitorGapMs: opt(num),
});

const refusedAlert = z.looseObject({
  id: str,
  at: num,
  check: str,
  status,
  reason: wordOf<NotifyItem["reason"]>(),
  step: num,
  summary: str,
});
/** refused is one channel's kept alerts (State.refused), also carried by the message that names them. */
export const refused = z.looseObject({ alerts: z.array(refusedAlert), omitted: num.default(0), error: str });

const message = z.looseObject({
  id: str,
  channel: str,
  host: str,
  createdAt: num,
  items: z.array(notifyItem),
  fallbackFrom: opt(str),
  fallbackWhy: opt(str),
  fallbackPath: opt(z.array(str)),
  mergedIds: opt(z.array(str)),
  heldBy: opt(wordOf<Message["heldBy"]>()),
  lostBefore: opt(refused),
  // Loose: a notice kind of a newer build must not cost the message.
  notice: opt(
    wordOf<Message["notice"]>(z.looseObject({ type: str, channel: opt(str), limit: opt(num), day: opt(str) })),
  ),
});

/** outboxEntry is one entry of State.outbox. */
export const outboxEntry = z.looseObject({
  message,
  attempts: num,
  failedRuns: opt(num),
  nextAttemptAt: num,
  heldUntil: opt(num),
  lastError: opt(str),
});
/** droppedEntry is one entry of State.dropped. */
export const droppedEntry = z.looseObject({
  id: str,
  channel: str,
  createdAt: num,
  droppedAt: num,
  why: str,
  checks: z.array(str),
});
