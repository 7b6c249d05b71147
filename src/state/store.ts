import type { State } from "../engine/types.js";

/** StateStore loads and saves the state between runs. */
export interface StateStore {
  /** load returns the saved state, or an empty one (a corrupt file is moved aside and reported in `warnings`). */
  load(): Promise<{ state: State; warnings: string[] }>;
  save(state: State): Promise<void>;
}
