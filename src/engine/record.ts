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
    checks[check] = { ...cs, incident: { ...cs.incident, restartsHelped: helped } };
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
