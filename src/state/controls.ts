import fs from "node:fs";
import { z } from "zod";
import type { Config } from "../config/schema.js";
import type { Deps } from "../deps.js";
import { ackIncident, addSilence, removeSilence } from "../engine/silence.js";
import { clearRefused } from "../notify/refused.js";
import type { Silence, State } from "../engine/types.js";
import { LockedError, StateError } from "../errors.js";
import type { HistoryEvent } from "../history/events.js";
import { recordEvents } from "../history/record.js";
import { createJsonFileStore, describeFsError } from "./json-file-store.js";
import { acquireLock } from "./lock.js";
import { appendFileSafe, readRegular } from "../core/safe-fs.js";
import { silenceSchema } from "./state-schema.js";
import type { StateStore } from "./store.js";

/*
 * Queued controls: `silence`, `ack` and a `test-notify` that named a channel's refused alerts change the state file
 * under the lock every run takes. While a daemon or a long check holds it, the command waits in FILE.commands and the
 * next run (cron or daemon) applies it.
 */

/** Control is an operator command that changes the state file: silence, ack, or refused alerts named. */
export type Control =
  | { type: "silence_add"; silence: Silence }
  | { type: "silence_remove"; id: string }
  | { type: "ack"; check: string; note: string | undefined }
  | { type: "refused_delivered"; channel: string; ids: string[] };

/** controlSchema is one line of the queue; a line of another shape (hand-written, another version) is skipped. */
const controlSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("silence_add"), silence: silenceSchema }),
  z.object({ type: z.literal("silence_remove"), id: z.string() }),
  z.object({ type: z.literal("ack"), check: z.string(), note: z.string().nullish() }),
  z.object({ type: z.literal("refused_delivered"), channel: z.string(), ids: z.array(z.string()) }),
]);

/** MAX_QUEUE bounds the queued-commands file (thousands of commands). */
const MAX_QUEUE = 4 * 1024 * 1024;

/** queueFileOf is where commands wait while another process (the daemon, a long check) holds the lock. */
export function queueFileOf(stateFile: string): string {
  return `${stateFile}.commands`;
}

/** applyControl applies one command to the state; idempotent, so a command applied twice after a crash is harmless. */
export function applyControl(
  state: State,
  c: Control,
  now: number,
): { state: State; event?: HistoryEvent; error?: string } {
  if (c.type === "silence_add") {
    if ((state.silences ?? []).some((s) => s.id === c.silence.id)) return { state };
    const s = c.silence;
    return {
      state: addSilence(state, s, now),
      event: {
        at: now,
        type: "silence",
        action: "add",
        id: s.id,
        pattern: s.pattern,
        until: s.endsAt,
        reason: s.reason,
      },
    };
  }
  if (c.type === "silence_remove") {
    const r = removeSilence(state, c.id, now);
    if (!r) return { state, error: `no active silence with id "${c.id}"` };
    return {
      state: r.state,
      event: {
        at: now,
        type: "silence",
        action: "remove",
        id: r.removed.id,
        pattern: r.removed.pattern,
        until: now,
        reason: r.removed.reason,
      },
    };
  }
  if (c.type === "refused_delivered") {
    const refused = clearRefused(state.refused, c.channel, c.ids);
    const { refused: _was, ...rest } = state;
    return { state: refused ? { ...rest, refused } : rest };
  }
  const inc = state.checks[c.check]?.incident;
  if (inc?.ack) return { state };
  const r = ackIncident(state, c.check, c.note, now);
  if ("error" in r) return { state, error: r.error };
  return {
    state: r.state,
    event: { at: now, type: "ack", check: c.check, incident: inc!.id, ...(c.note ? { note: c.note } : {}) },
  };
}

type Cfg = Pick<Config, "state_file" | "history_file" | "history_max_size">;

/**
 * controlState applies a command under the same lock as `check`, saving atomically. If another run holds the lock
 * for longer than `waitMs` (a daemon holds it for its lifetime), the command is queued in FILE.commands and the
 * lock holder applies it at the start of its next run.
 */
export async function controlState(
  config: Cfg,
  deps: Pick<Deps, "clock" | "logger" | "sleep">,
  c: Control,
  waitMs = 3000,
): Promise<{ queued: false; state: State; error?: string } | { queued: true; pid: number | undefined }> {
  const deadline = deps.clock.now() + waitMs;
  for (;;) {
    let lock;
    try {
      lock = acquireLock(`${config.state_file}.lock`);
    } catch (err) {
      if (!(err instanceof LockedError)) throw err;
      if (deps.clock.now() < deadline) {
        await deps.sleep(100);
        continue;
      }
      const queue = queueFileOf(config.state_file);
      try {
        appendFileSafe(queue, `${JSON.stringify(c)}\n`, 0o600);
      } catch (e) {
        throw new StateError(`cannot queue the command in ${queue}: ${describeFsError(e)}`, { cause: e });
      }
      return { queued: true, pid: err.pid };
    }
    try {
      const store = createJsonFileStore(config.state_file, () => deps.clock.now());
      const { state } = await store.load();
      const now = deps.clock.now();
      const r = applyControl(state, c, now);
      if (r.error) return { queued: false, state, error: r.error };
      await store.save(r.state);
      if (r.event) recordEvents(config, deps, [r.event]);
      return { queued: false, state: r.state };
    } finally {
      lock.release();
    }
  }
}

/**
 * applyQueuedControls runs the commands queued while the lock was held (the caller holds it now): applies them,
 * saves, then removes the queue. A crash between the save and the removal re-applies them, which is harmless.
 */
export async function applyQueuedControls(
  config: Cfg,
  state: State,
  store: StateStore,
  deps: Pick<Deps, "clock" | "logger">,
): Promise<State> {
  const file = queueFileOf(config.state_file);
  let text: string;
  try {
    // Bounded and non-blocking: the queue is a few lines per command; a FIFO or symlink planted there is refused.
    text = readRegular(file, { maxBytes: MAX_QUEUE }).text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return state;
    deps.logger.warn({ event: "control_skipped" }, `skipped the queued commands: ${describeFsError(err)}`);
    fs.rmSync(file, { force: true });
    return state;
  }
  const now = deps.clock.now();
  const events: HistoryEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const c = parseControl(line);
    let r: ReturnType<typeof applyControl> | undefined;
    try {
      // A command of the right shape that still throws (a state the command did not expect) is skipped the same way:
      // one queued line never stops the run.
      r = c && applyControl(state, c, now);
    } catch {
      r = undefined;
    }
    if (!c || !r) {
      deps.logger.warn({ event: "control_skipped" }, `skipped an unreadable queued command in ${file}`);
      continue;
    }
    if (r.error) deps.logger.warn({ event: "control_failed", command: c.type }, r.error);
    state = r.state;
    if (r.event) events.push(r.event);
  }
  await store.save(state);
  fs.rmSync(file, { force: true });
  recordEvents(config, deps, events);
  return state;
}

/** parseControl reads one queued line; undefined when it is not JSON or not of a command's shape. */
export function parseControl(line: string): Control | undefined {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = controlSchema.safeParse(data);
  if (!r.success) return undefined;
  return r.data.type === "ack" ? { type: "ack", check: r.data.check, note: r.data.note ?? undefined } : r.data;
}
