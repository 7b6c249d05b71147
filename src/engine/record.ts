import { dict, own } from "./dict.js";
import type { Message, RestartOutcome, State } from "./types.js";

/** RestartRecord is one restart the executor made and its outcome. */
export type RestartRecord = { check: string; outcome: RestartOutcome };

/** record applies what the executor did (restart outcomes) to the state decide produced. */
export function record(state: State, restarts: readonly RestartRecord[], _now: number): State {
  if (!restarts.length) return state;
  const checks = dict(state.checks);
  for (const { check, outcome } of restarts) {
    const cs = own(checks, check);
    if (!cs?.incident) continue;
    const helped = cs.incident.restartsHelped + (outcome.helped ? 1 : 0);
    const tail = outcome.outputTail || outcome.error;
    const incident = { ...cs.incident, restartsHelped: helped, ...(tail ? { lastHookTail: tail } : {}) };
    checks[check] = { ...cs, incident };
  }
  return { ...state, checks };
}

/**
 * attachRestartOutcomes gives each item that planned a restart this run (restartPlanned) the outcome of that
 * restart, so the message says whether it helped. Returns new messages; the ones given are not changed.
 */
export function attachRestartOutcomes(messages: readonly Message[], restarts: readonly RestartRecord[]): Message[] {
  const outcomes = new Map(restarts.map((r) => [r.check, r.outcome]));
  return messages.map((m) => ({
    ...m,
    items: m.items.map((item) => {
      const outcome = item.restartPlanned ? outcomes.get(item.check) : undefined;
      return outcome ? { ...item, restart: outcome } : item;
    }),
  }));
}

/** Delivered is one item a channel accepted: its check, and the incident it spoke of (by its start). */
export type Delivered = { channel: string; check: string; since: number };

/**
 * recordDelivered notes on each open incident the channels that accepted a message about it, and when. A step is
 * said when decide queues it (`notified`, who gets the recovery); it is told only once a vendor accepted it.
 */
export function recordDelivered(state: State, delivered: readonly Delivered[], now: number): State {
  const checks = dict(state.checks);
  let changed = false;
  for (const d of delivered) {
    const cs = own(checks, d.check);
    const inc = cs?.incident;
    if (!cs || !inc || inc.startedAt !== d.since) continue;
    const told = inc.delivered ?? [];
    const next = told.includes(d.channel) ? told : [...told, d.channel];
    checks[d.check] = { ...cs, incident: { ...inc, delivered: next, lastSentAt: now } };
    changed = true;
  }
  return changed ? { ...state, checks } : state;
}
