import type { RawConfig } from "../schema.js";
import type { RawCheck, RuleContext, RuleIssue } from "./types.js";

/** uniqueName: two checks of one name would share one state; the message names the earlier one. */
export function uniqueName(_config: RawConfig, ctx: RuleContext, i: number): RuleIssue[] {
  const name = ctx.checks[i]!.name;
  const earlier = ctx.checks
    .slice(0, i)
    .map((c) => c.name)
    .lastIndexOf(name);
  if (earlier < 0) return [];
  return [{ path: ["checks", i, "name"], message: `duplicate check name "${name}" (also checks[${earlier}])` }];
}

/** dependsOnKnown: each `depends_on` names another check of the config. */
export function dependsOnKnown(_config: RawConfig, ctx: RuleContext): RuleIssue[] {
  const names = new Set(ctx.checks.map((c) => c.name));
  return ctx.checks.flatMap((c, i) =>
    c.depends_on.flatMap((d, j) => {
      const path = ["checks", i, "depends_on", j];
      if (!names.has(d)) return [{ path, message: `unknown check "${d}"` }];
      return d === c.name ? [{ path, message: "a check cannot depend on itself" }] : [];
    }),
  );
}

/** noDependencyCycle: checks that depend on each other in a ring would hold each other's alerts forever. */
export function noDependencyCycle(_config: RawConfig, ctx: RuleContext): RuleIssue[] {
  const cycle = findCycle(ctx.checks);
  if (!cycle) return [];
  const at = ctx.checks.map((c) => c.name).lastIndexOf(cycle[0]!);
  return [{ path: ["checks", at, "depends_on"], message: `dependency cycle: ${cycle.join(" -> ")}` }];
}

/** flapBand: flapping starts above flap.high and stops below flap.low, so low must be below high. */
export function flapBand(config: RawConfig): RuleIssue[] {
  const { low, high } = config.flap;
  return low >= high ? [{ path: ["flap", "low"], message: `flap.low (${low}) must be below flap.high (${high})` }] : [];
}

function findCycle(checks: readonly RawCheck[]): string[] | undefined {
  const deps = new Map(checks.map((c) => [c.name, c.depends_on]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === "done") return undefined;
    if (state.get(n) === "visiting") return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, "visiting");
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const found = deps.has(d) ? visit(d) : undefined;
      if (found) return found;
    }
    stack.pop();
    state.set(n, "done");
    return undefined;
  };
  for (const c of checks) {
    const found = visit(c.name);
    if (found) return found;
  }
  return undefined;
}
