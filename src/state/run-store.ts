import type { Config } from "../config/schema.js";
import type { Deps } from "../deps.js";
import type { State } from "../engine/types.js";
import { StateError } from "../errors.js";
import { applyQueuedControls } from "./controls.js";
import { createJsonFileStore, isDiskError } from "./json-file-store.js";
import { acquireLock, type Lock } from "./lock.js";
import { peek } from "./peek.js";
import type { StateStore } from "./store.js";

/** isDiskFailure says whether a StateError comes of the disk rather than of permissions or an unsafe path. */
export function isDiskFailure(err: unknown): err is StateError {
  return err instanceof StateError && isDiskError(err.cause);
}

/**
 * RunStore is the state store of one run. When the disk refuses a write (the lock, a save), the run does not stop:
 * it goes on probing and delivering, and `unsaved` says why nothing more was saved.
 */
export type RunStore = StateStore & {
  readonly unsaved: string | undefined;
  /** The state file itself, whose save throws (the queued controls must know whether their result was saved). */
  readonly file: StateStore;
  refuse(err: StateError): void;
};

/** RunLock is the lock a run took, or, when the disk refused it, why the run goes on without one. */
export type RunLock = { lock: Lock | undefined; unsaved: string | undefined };

/** lockRun takes the run's lock; a disk that refuses it leaves the run unlocked and unsaved rather than silent. */
export function lockRun(stateFile: string): RunLock {
  try {
    return { lock: acquireLock(`${stateFile}.lock`), unsaved: undefined };
  } catch (err) {
    if (!isDiskFailure(err)) throw err;
    return { lock: undefined, unsaved: err.message };
  }
}

/**
 * createRunStore wraps the state file. Without the lock (`unsaved` given) it writes nothing; with it, a save the
 * disk refuses is remembered, and no later save of the run is tried (the previous file stays as it was).
 */
export function createRunStore(
  stateFile: string,
  deps: Pick<Deps, "clock">,
  redact: (s: string) => string,
  unsaved: string | undefined,
): RunStore {
  const file = createJsonFileStore(stateFile, () => deps.clock.now(), redact);
  let why = unsaved;
  return {
    load: () => file.load(),
    async save(state) {
      if (why !== undefined) return;
      try {
        await file.save(state);
      } catch (err) {
        if (!isDiskFailure(err)) throw err;
        why = err.message;
      }
    },
    get unsaved() {
      return why;
    },
    file,
    refuse(err) {
      why ??= err.message;
    },
  };
}

/**
 * loadRunState reads the state and applies the controls other commands queued (silence, ack); a dry run only peeks:
 * a bad file is reported, never moved aside, and the queue is left for a real run. So is it when the state cannot
 * be saved: the queue is removed only once its result is saved.
 */
export async function loadRunState(
  config: Pick<Config, "state_file" | "history_file" | "history_max_size">,
  store: RunStore,
  deps: Deps,
  dryRun: boolean,
): Promise<{ prev: State; warnings: string[] }> {
  const { state: loaded, warnings } = dryRun ? peek(config.state_file) : await store.load();
  for (const w of warnings) deps.logger.warn({ event: "state_reset" }, w);
  if (dryRun || store.unsaved !== undefined) return { prev: loaded, warnings };
  try {
    return { prev: await applyQueuedControls(config, loaded, store.file, deps), warnings };
  } catch (err) {
    if (!isDiskFailure(err)) throw err;
    store.refuse(err);
    return { prev: loaded, warnings };
  }
}

/** unsavedLine says that the state could not be saved, and what the run did all the same. */
export function unsavedLine(why: string): string {
  return (
    `watchdog: state could not be saved: ${why}; the checks were probed and what was due was sent all the same ` +
    "(the next run that can save goes on from the state saved before, so an alert may come twice)"
  );
}
