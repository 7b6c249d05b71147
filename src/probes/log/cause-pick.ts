/**
 * Which cause one read (the lines of one incident) names. A pattern names its cause in one of five strengths:
 *
 *   names     outright (`CUDA error: out of memory`)                         wins over all below
 *   weak      only when a line of the read is its evidence (a bare `Killed` with a line about memory)
 *   carrier   a line that reports another error (the NCCL watchdog), and the wrappers (`EngineDeadError`)
 *   broad     a mechanism in any words, on a line that says something failed (`... timed out`): the last resort
 *   free      a user pattern's cause that is not in the catalog (free text)
 *   evidence  names nothing: makes a weak pattern of its cause count
 *   excuse    names nothing: the report of this cause right before it (a failure, then the fallback that goes
 *             on without it), or else the next matching line (a warning that the service goes on without an
 *             optional module, then the import error it tolerates), names nothing of this cause either
 *   recovery  an excuse that only looks back: a failure that passed (a retry, a server that came up) excuses no
 *             failure after it
 *
 * Within one strength the cause highest in the catalog wins, so a wrapper never outranks the error it carries.
 */
import type { Cause } from "./catalog/index.js";

/** Strength is how a pattern names its cause (see above). */
export type Strength = "names" | "weak" | "carrier" | "broad" | "free" | "evidence" | "excuse" | "recovery";

/** CatalogRule is one pattern of the catalog with the cause it names and how. */
export type CatalogRule = { re: RegExp; id: string; strength: Strength };

/** catalogRules lists every pattern of the causes, in catalog order; a wrapper's own patterns are carriers. */
export function catalogRules(causes: readonly Cause[]): CatalogRule[] {
  return causes.flatMap((c) => [
    ...c.regexes.map((re) => ({ re, id: c.id, strength: (c.wrapper ? "carrier" : "names") as Strength })),
    ...(c.weak?.regexes ?? []).map((re) => ({ re, id: c.id, strength: "weak" as const })),
    ...(c.carriers ?? []).map((re) => ({ re, id: c.id, strength: "carrier" as const })),
    ...(c.broad ?? []).map((re) => ({ re, id: c.id, strength: "broad" as const })),
    ...(c.weak?.evidence ?? []).map((re) => ({ re, id: c.id, strength: "evidence" as const })),
    ...(c.excuses ?? []).map((re) => ({ re, id: c.id, strength: "excuse" as const })),
    ...(c.recoveries ?? []).map((re) => ({ re, id: c.id, strength: "recovery" as const })),
  ]);
}

/** Screened is one line of a read with the matches the excuses left it. */
export type Screened<T> = { matches: T[]; line: string };

/** HELD is how many matching lines one report of a failure may take before the excuse after it (a fallback). */
const HELD = 4;

/**
 * createExcuser screens the matches of each line of one read, in order. An excuse names nothing, and drops the
 * matches of its cause from its own line and from the lines with other matches: the report right before it, up to
 * HELD matching lines that all name that cause (`No module named 'flash_attn'`, then `flash_attn not installed,
 * disabling`; llama.cpp's three lines of a failed allocation, then `retrying without pipeline parallelism`), or else,
 * for an excuse and not a recovery, the next one (a warning, then the import error it tolerates); then it is spent.
 * A recovery says a failure passed, so it reaches back only. One warning excuses one import
 * error, never a later one that stops the service. Lines come out up to HELD matching lines late (a line that is
 * only evidence at once); `flush` gives the rest.
 */
export function createExcuser<T extends { strength: Strength }>(idOf: (m: T) => string | undefined) {
  let pending = new Set<string | undefined>();
  let held: Screened<T>[] = [];
  return {
    screen(matches: T[], line: string): Screened<T>[] {
      const excusing = (m: T) => m.strength === "excuse" || m.strength === "recovery";
      const excuses = new Set(matches.filter(excusing).map(idOf));
      // Only an excuse, not a recovery, reaches the next matching line.
      const forward = new Set(matches.filter((m) => m.strength === "excuse").map(idOf));
      const rest = matches.filter((m) => !excusing(m));
      if (excuses.size === 0 && rest.length === 0) return [];
      // A line that is only evidence (a hub's URL) names nothing: it is not the line an excuse looks at.
      if (excuses.size === 0 && rest.every((m) => m.strength === "evidence")) return [{ line, matches: rest }];
      const spent = new Set<string | undefined>();
      for (const id of excuses) {
        // The run of held lines right before this one that all name the excused cause: one report.
        for (let i = held.length - 1; i >= 0; i--) {
          const h = held[i];
          if (!h?.matches.some((m) => idOf(m) === id)) break;
          held[i] = { line: h.line, matches: h.matches.filter((m) => idOf(m) !== id) };
          spent.add(id);
        }
      }
      const fresh = [...forward].filter((id) => !spent.has(id));
      let done: Screened<T>[] = [];
      if (excuses.size > 0) [done, held] = [held, []];
      if (rest.length === 0) {
        for (const id of fresh) pending.add(id);
        return done;
      }
      // A line that says the failure and its fallback at once (`out of memory ..., retrying with tiled`): excused too.
      const off = new Set([...pending, ...excuses]);
      pending = new Set();
      held.push({ line, matches: rest.filter((m) => !off.has(idOf(m))) });
      const out = held.length > HELD ? held.shift() : undefined;
      if (out) done.push(out);
      return done;
    },
    flush(): Screened<T>[] {
      const last = held;
      held = [];
      return last;
    },
  };
}

/** CausePicker gathers what the lines of one read name, and picks the cause to report. */
export type CausePicker = { add(id: string, strength: Strength): void; pick(): string | undefined };

/** createPicker starts a picker; `rank` orders causes (lower is more important), as the catalog does. */
export function createPicker(rank: (id: string) => number): CausePicker {
  const best: Partial<Record<"names" | "carrier" | "broad" | "free", string>> = {};
  const weak = new Set<string>();
  const evidence = new Set<string>();
  const keep = (slot: "names" | "carrier" | "broad" | "free", id: string) => {
    const cur = best[slot];
    if (cur === undefined || rank(id) < rank(cur)) best[slot] = id;
  };
  return {
    add(id, strength) {
      if (strength === "weak") weak.add(id);
      else if (strength === "evidence") evidence.add(id);
      else if (strength === "excuse" || strength === "recovery") return;
      else keep(strength, id);
    },
    pick() {
      if (best.names !== undefined) return best.names;
      const backed = [...weak].filter((id) => evidence.has(id)).sort((a, b) => rank(a) - rank(b));
      return backed[0] ?? best.carrier ?? best.broad ?? best.free;
    },
  };
}
