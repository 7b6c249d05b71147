import { z } from "zod";
import { emptyState, type HoldReason, type State } from "../engine/types.js";
import { droppedEntry, outboxEntry, refused } from "./outbox-schema.js";
import { isPlainObject, num, opt, recordOf, severity, status, str, wordOf } from "./schema-fields.js";

/*
 * The schema of the state file: how a file is read into the State type of engine/types.ts. tsc holds the two
 * together (`satisfies` below): what the schema yields must be a State, so a field the type requires cannot be left
 * out of the schema or read as another type. Objects are loose (a field this build does not know is kept, not
 * stripped), fields older files may lack get their default, and `X | undefined` fields also accept null. What the
 * schema rejects is what would crash a run: null where a list is read, a string where a number is added.
 */

/** STATE_VERSION is the version this build writes; another version is moved aside, never guessed at. */
export const STATE_VERSION = 1;

const incident = z.looseObject({
  id: str,
  startedAt: num,
  peak: severity,
  stepsFired: z.array(num),
  notified: z.array(str),
  delivered: opt(z.array(str)),
  lastSentAt: opt(num),
  held: z.array(z.looseObject({ channel: str, step: num })).default([]),
  lastNotifiedAt: opt(num),
  restarts: num.default(0),
  restartsHelped: num.default(0),
  gaveUp: z.boolean().default(false),
  lastHookTail: opt(str),
  cause: opt(str),
  ack: opt(z.looseObject({ at: num, note: opt(str) })),
});

const checkState = z.looseObject({
  status,
  since: num,
  failStreak: num,
  okStreak: num,
  lastRunAt: num,
  summary: str,
  recent: str.default(""),
  restartTimes: z.array(num).default([]),
  incident: opt(incident),
  flapping: opt(z.looseObject({ since: num, share: num, told: z.array(str) })),
  held: opt(wordOf<HoldReason>()),
  warmup: opt(z.looseObject({ start: opt(num), cmd: opt(str), waiting: opt(num), loadMs: opt(num) })),
});
/** silenceSchema is one silence, in the state file and in a queued `silence` command (state/controls.ts). */
export const silenceSchema = z.looseObject({
  id: str,
  pattern: str,
  reason: str,
  createdAt: num,
  startsAt: num,
  endsAt: num,
});
const silence = silenceSchema;
const channelState = z.looseObject({
  sentAt: z.array(num).default([]),
  day: opt(str),
  dayCount: num.default(0),
  limitNoticeDay: opt(str),
});

/** kernelMemory is where the last read of the kernel log ended; a damaged one reads afresh (probes/kernel/read.ts). */
const kernelMemory = z.looseObject({
  seq: opt(num),
  boot: opt(str),
  until: opt(num),
  owners: opt(z.record(z.string(), z.looseObject({ pid: num, comm: str }))),
});

/** Entry schemas of the maps and lists a damaged file is salvaged from, entry by entry. */
const RECORDS = {
  checks: checkState,
  channels: channelState,
  probes: z.unknown(),
  sent: z.looseObject({ ok: num, failed: num }),
  channelHealth: z.looseObject({ since: num, problem: str, error: str, told: z.array(str) }),
  refused,
};
const LISTS = { outbox: outboxEntry, dropped: droppedEntry, silences: silence };

/** stateSchema is the whole state file (version checked before it). */
export const stateSchema = z.looseObject({
  version: z.literal(STATE_VERSION),
  checks: recordOf(RECORDS.checks).default({}),
  outbox: z.array(LISTS.outbox).default([]),
  dropped: z.array(LISTS.dropped).default([]),
  droppedTotal: num.default(0),
  channels: recordOf(RECORDS.channels).default({}),
  probes: recordOf(RECORDS.probes).default({}),
  lastRun: opt(z.looseObject({ startedAt: num, durationMs: num })),
  silences: z.array(LISTS.silences).default([]),
  monitorGap: opt(z.looseObject({ from: num, to: num })),
  sent: recordOf(RECORDS.sent).default({}),
  channelHealth: opt(recordOf(RECORDS.channelHealth)),
  refused: opt(recordOf(RECORDS.refused)),
  kernel: opt(kernelMemory),
}) satisfies z.ZodType<State>;

/**
 * withoutExtras drops the optional parts of a check's state (flap and hold memory, an ack): a check whose only
 * damage is there keeps its streak and open incident instead of starting afresh.
 */
function withoutExtras(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  const { flapping: _f, held: _h, warmup: _w, ...rest } = v;
  if (!isPlainObject(rest.incident)) return rest;
  const { ack: _a, ...incident } = rest.incident;
  return { ...rest, incident };
}

/** envelope is what must hold before the fields are read: a JSON object (a version is checked next). */
const envelope = z.looseObject({});

/**
 * decodeState checks DATA (parsed JSON of any shape) against the schema: a non-object or another version is refused
 * with why in words (`{ why }`); else it is parsed, salvaging what fits (parseState).
 */
export function decodeState(data: unknown): StateParse | { why: string } {
  // Only a check: the fields are read from DATA itself, so a key such as `__proto__` stays as parsed.
  if (!envelope.safeParse(data).success) return { why: "not a JSON object" };
  const d = data as Record<string, unknown>;
  if (!stateSchema.shape.version.safeParse(d.version).success) {
    return { why: `version ${JSON.stringify(d.version)} is not ${STATE_VERSION}` };
  }
  return parseState(d);
}

/** StateParse is a parsed state; `problem` (with what was dropped) is set when only part of the file was kept. */
export type StateParse = { state: State; problem: string | undefined };

/**
 * parseState validates DATA (already JSON-parsed, version 1) against the schema. When it does not fit, keeps every
 * map entry and list element that does (open incidents, outbox messages) and resets the rest to empty.
 */
export function parseState(data: Record<string, unknown>): StateParse {
  const whole = stateSchema.safeParse(data);
  if (whole.success) return { state: whole.data, problem: undefined };
  const issues = whole.error.issues;
  const out: Record<string, unknown> = { ...data };
  const lost: string[] = [];
  for (const [key, field] of Object.entries(stateSchema.shape)) {
    const one = (field as z.ZodType).safeParse(data[key]);
    if (one.success) {
      out[key] = one.data;
      continue;
    }
    const raw = data[key];
    const record = (RECORDS as Record<string, z.ZodType | undefined>)[key];
    const list = (LISTS as Record<string, z.ZodType | undefined>)[key];
    if (record && isPlainObject(raw)) {
      const fix = key === "checks" ? withoutExtras : (v: unknown) => v;
      let trimmed = 0;
      const kept = Object.entries(raw).flatMap(([k, v]) => {
        const r = record.safeParse(v);
        const again = r.success ? r : record.safeParse(fix(v));
        if (!r.success && again.success) trimmed++;
        return again.success ? [[k, again.data] as const] : [];
      });
      out[key] = Object.fromEntries(kept);
      const note = trimmed ? ` (${trimmed} kept without their flap, hold or ack memory)` : "";
      lost.push(`${Object.keys(raw).length - kept.length} of ${Object.keys(raw).length} ${key}${note}`);
    } else if (list && Array.isArray(raw)) {
      const entry = list;
      const kept = raw.filter((v) => entry.safeParse(v).success);
      out[key] = kept.map((v) => entry.parse(v));
      lost.push(`${raw.length - kept.length} of ${raw.length} ${key}`);
    } else {
      out[key] = undefined; // The default (or nothing, for an optional field).
      lost.push(key);
    }
  }
  // Every field now parses on its own, so the whole does; emptyState is the last resort should that ever be wrong.
  const salvaged = stateSchema.safeParse(out);
  const state = salvaged.success ? salvaged.data : emptyState();
  const first = issues[0]!;
  const at = first.path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .slice(1);
  const more = issues.length > 1 ? ` and ${issues.length - 1} more` : "";
  const problem =
    `does not fit the state schema (${at || "(top level)"}: ${first.message}${more}); ` + `dropped ${lost.join(", ")}`;
  return { state, problem };
}
