import type { Stage } from "./types.js";

/** deadline keeps a message for a later run, untried, once the run's deadline has passed: nothing is lost. */
export const deadline: Stage = (b) => {
  const t = b.turn;
  if (!t?.open || !b.io.send.signal.aborted) return b;
  return { ...b, turn: { ...t, open: false }, keep: [...b.keep, ...t.group.parts] };
};
