import { dict, own } from "./dict.js";
import type { RestartOutcome, State } from "./types.js";

/** record applies what the executor did (restart outcomes) to the state decide produced. */
export function record(state: State, restarts: readonly { check: string; outcome: RestartOutcome }[], _now: number): State {
  if (!restarts.length) return state;
  const checks = dict(state.checks);
  for (const { check, outcome } of restarts) {
    const cs = own(checks, check);
    if (!cs?.incident) continue;
    checks[check] = { ...cs, incident: { ...cs.incident, restartsHelped: cs.incident.restartsHelped + (outcome.helped ? 1 : 0) } };
  }
  return { ...state, checks };
}
