import { dict, own } from "./dict.js";
import type { Silence, State } from "./types.js";

/**
 * NameMatcher says whether a silence pattern names a check. A pattern is a glob of the one syntax log paths use too
 * (src/glob.ts); the engine imports nothing at run time, so the glob matcher is handed in by its callers (run-check,
 * simulate, status, the status page). Without one a pattern names only the check of exactly that name.
 */
export type NameMatcher = (pattern: string, name: string) => boolean;

/** exactName is the matcher of an engine given none: a pattern names the one check so called. */
export const exactName: NameMatcher = (pattern, name) => pattern === name;

/** activeSilence is the silence that mutes `check` at `now` (the one ending last), if any. */
export function activeSilence(
  silences: readonly Silence[] | undefined,
  check: string,
  now: number,
  matches: NameMatcher,
): Silence | undefined {
  let found: Silence | undefined;
  for (const s of silences ?? []) {
    const live = s.startsAt <= now && now < s.endsAt;
    if (live && matches(s.pattern, check) && (!found || s.endsAt > found.endsAt)) found = s;
  }
  return found;
}

/**
 * SILENCE_KEEP_MS is how long an ended silence stays in the state (shown by `silence list --all`), then it is dropped.
 */
export const SILENCE_KEEP_MS = 24 * 3_600_000;

/** pruneSilences drops silences that ended more than SILENCE_KEEP_MS ago. */
export function pruneSilences(silences: readonly Silence[] | undefined, now: number): Silence[] {
  return (silences ?? []).filter((s) => s.endsAt > now - SILENCE_KEEP_MS);
}

/** addSilence returns the state with a new silence; `id` comes from the caller (the engine has no randomness). */
export function addSilence(state: State, silence: Silence, now: number): State {
  return { ...state, silences: [...pruneSilences(state.silences, now), silence] };
}

/**
 * removeSilence ends a silence now (it is kept as ended, so the next run sees the change); an id prefix of 4 or more
 * characters is enough when it is unique. Returns undefined when no active silence has that id.
 */
export function removeSilence(state: State, id: string, now: number): { state: State; removed: Silence } | undefined {
  const live = (state.silences ?? []).filter((s) => s.endsAt > now);
  const hit = live.filter((s) => s.id === id || (id.length >= 4 && s.id.startsWith(id)));
  if (hit.length !== 1) return undefined;
  const removed = hit[0]!;
  return {
    state: { ...state, silences: (state.silences ?? []).map((s) => (s === removed ? { ...s, endsAt: now } : s)) },
    removed,
  };
}

/** ackIncident marks the open incident of `check` as acknowledged; an error message when there is none. */
export function ackIncident(
  state: State,
  check: string,
  note: string | undefined,
  now: number,
): { state: State } | { error: string } {
  const cs = own(state.checks, check);
  if (!cs) return { error: `check "${check}" has not run yet: nothing to acknowledge` };
  if (!cs.incident) return { error: `check "${check}" is ${cs.status} with no open incident: nothing to acknowledge` };
  const incident = { ...cs.incident, ack: { at: now, note } };
  const checks = dict(state.checks);
  checks[check] = { ...cs, incident };
  return { state: { ...state, checks } };
}
