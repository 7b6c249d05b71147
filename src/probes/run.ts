import type { Deps } from "../deps.js";
import { stripControl } from "../text.js";
import { probeOf } from "./registry.js";
import type { Catalog } from "./log/causes.js";
import type { Part, Probe, ProbeOutput, ProbeResult } from "./types.js";
import { monotonicMs } from "../core/monotonic.js";

/**
 * ProbeCheck is a check as the runner sees it: its name and type, and the fields of that type's schema. The config
 * schema is composed from the same registry (config/schema.ts), so a check of type T was parsed by T's schema, and
 * T's probe, typed by defineProbe, reads them as its own.
 */
export type ProbeCheck = { name: string; type: string; timeout?: number };

/** DEFAULT_PROBE_DEADLINE bounds a check with no `timeout` of its own. */
const DEFAULT_PROBE_DEADLINE = 30_000;
/** Grace beyond a probe's own timeout before the runner gives up on it. */
const GRACE_MS = 2_000;

/** ProbeRun is a result plus the probe's memory for the next run. */
export type ProbeRun = { result: ProbeResult; memory: unknown };

/** probeDeadline is how long the runner waits for a check before calling it unknown. */
export function probeDeadline(check: ProbeCheck): number {
  const own = typeof check.timeout === "number" ? check.timeout : DEFAULT_PROBE_DEADLINE;
  return own + GRACE_MS;
}

/**
 * runProbe runs one check under its deadline. A probe that throws or never settles becomes `unknown`
 * with the reason: the run goes on whatever a probe does.
 */
export async function runProbe(
  check: ProbeCheck,
  memory: unknown,
  deps: Deps,
  runSignal: AbortSignal,
  catalog?: Catalog,
): Promise<ProbeRun> {
  const started = monotonicMs();
  const deadline = probeDeadline(check);
  const ctl = new AbortController();
  const signal = AbortSignal.any([ctl.signal, runSignal]);
  let timer: NodeJS.Timeout | undefined;
  // The run's own deadline too: a probe that ignores its signal cannot hold the run past run_timeout.
  let onRunAbort: (() => void) | undefined;
  try {
    const probe = probeOf(check.type);
    if (!probe) throw new Error(`no probe for type ${check.type}`);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ctl.abort();
        reject(new Error(`probe did not finish within ${deadline}ms`));
      }, deadline);
      onRunAbort = () => reject(new Error("the run's time (run_timeout) ran out"));
      if (runSignal.aborted) onRunAbort();
      else runSignal.addEventListener("abort", onRunAbort, { once: true });
    });
    const ctx = catalog ? { deps, signal, memory, catalog } : { deps, signal, memory };
    const out = await Promise.race([probe.run(check, ctx), timeout]);
    const { memory: next, said, ...rest } = clean(out);
    return {
      result: {
        ...rest,
        ...(said ? { said: { type: check.type, parts: said } } : {}),
        check: check.name,
        durationMs: Math.round(monotonicMs() - started),
      },
      memory: next ?? memory,
    };
  } catch (err) {
    return {
      result: {
        check: check.name,
        status: "unknown",
        summary: stripControl(`probe failed: ${(err as Error).message}`),
        durationMs: Math.round(monotonicMs() - started),
      },
      memory,
    };
  } finally {
    if (timer) clearTimeout(timer);
    if (onRunAbort) runSignal.removeEventListener("abort", onRunAbort);
    // A probe given up on was told to stop then (its deadline aborts `ctl`, the run's aborts `signal`); one that
    // settled has nothing left to stop, and an abort would build an error object for nothing.
  }
}

/**
 * clean strips terminal control sequences from what a probe reports: its text comes from outside (plugin output,
 * HTTP bodies, process names, nvidia-smi), and goes to terminals, state, history and alerts.
 */
function clean(out: ProbeOutput): ProbeOutput {
  return {
    ...out,
    summary: stripControl(out.summary),
    ...(out.detail !== undefined ? { detail: stripControl(out.detail) } : {}),
    ...(out.excerpt ? { excerpt: out.excerpt.map(stripControl) } : {}),
    ...(out.cause !== undefined ? { cause: stripControl(out.cause) } : {}),
    ...(out.said ? { said: out.said.map(cleanPart) } : {}),
  };
}

function cleanPart(p: Part): Part {
  if (!p.values) return p;
  const values = Object.fromEntries(
    Object.entries(p.values).map(([k, v]) => [k, typeof v === "string" ? stripControl(v) : v]),
  );
  return { key: p.key, values };
}

/** runProbes runs every check concurrently, each under its own deadline. */
export function runProbes(
  checks: readonly ProbeCheck[],
  memories: Record<string, unknown>,
  deps: Deps,
  signal: AbortSignal,
  catalog?: Catalog,
): Promise<ProbeRun[]> {
  return Promise.all(checks.map((c) => runProbe(c, memories[c.name], deps, signal, catalog)));
}
