import { apply } from "./stages/apply.js";
import { dailyCap } from "./stages/daily-cap.js";
import { dailyLimitNotice } from "./stages/daily-limit-notice.js";
import { deadline } from "./stages/deadline.js";
import { fallback } from "./stages/fallback.js";
import { merge } from "./stages/merge.js";
import { quietHours } from "./stages/quiet-hours.js";
import { rateLimit } from "./stages/rate-limit.js";
import { send } from "./stages/send.js";
import { takeAlong } from "./stages/take-along.js";
import type { Batch, Stage } from "./stages/types.js";

// One channel's delivery in one pass is this list of stages, run in order, each fed the batch the one before left
// (Alertmanager's MultiStage). A new rule is a new stage in the list.

/** runStages runs stages in order, each on the batch the previous one returned. */
export async function runStages(stages: readonly Stage[], b: Batch): Promise<Batch> {
  for (const stage of stages) b = await stage(b);
  return b;
}

/**
 * eachMessage runs stages for each message in turn, in order. One message's send changes the memory the next is
 * admitted by (a failed send spends no daily count, retries spend slots of the window), so it cannot be decided
 * for all of them at once.
 */
export function eachMessage(stages: readonly Stage[]): Stage {
  return async (b) => {
    let out: Batch = { ...b, groups: [] };
    for (const group of b.groups) {
      const turn = { group, open: true, slots: Infinity, attempt: undefined, failed: undefined, cap: undefined };
      out = await runStages(stages, { ...out, turn });
    }
    return { ...out, turn: undefined };
  };
}

/** PIPELINE is the delivery of one channel's due entries: hold, gather, merge, then each message admitted and sent. */
export const PIPELINE: readonly Stage[] = [
  quietHours,
  takeAlong,
  merge,
  eachMessage([deadline, dailyCap, rateLimit, send, apply, fallback, dailyLimitNotice]),
];
