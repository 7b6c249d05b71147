/**
 * The cause matcher: which catalog entry a log line (or the lines of one read) names, and its text in each locale.
 * The catalog is the built-in one (catalog/) plus the config's own `causes:`, less `disable_causes:`,
 * built once per run and handed to the log probe in its context; the renderer is given the same one by useCatalog.
 *
 * Precedence (docs/probes.md, "Cause catalog"): all matching lines of one read are one incident. A cause named
 * outright wins over one named only with evidence (a bare `Killed`), which wins over the wrappers and the lines that
 * carry another error (`!!! Exception during processing !!!`, vLLM `EngineDeadError`, the NCCL watchdog, Xid 45);
 * among equals the one highest in the catalog wins (cause-pick.ts). The catalog is ordered root cause first.
 */
import { linearOf } from "../../core/linear-regex.js";
import { CAUSES, type Cause, type Locale } from "./catalog/index.js";
import { type CatalogRule, catalogRules, createExcuser, createPicker } from "./cause-pick.js";

export { CAUSES, type Cause, type Locale };

/** Catalog is an ordered list of causes (index = priority, 0 highest), an index by id, and all their patterns. */
export type Catalog = { causes: readonly Cause[]; rank: ReadonlyMap<string, number>; rules: readonly CatalogRule[] };

/** UserCause is one entry of the config's `causes:` (validated by the schema). */
export type UserCause = {
  id: string;
  patterns?: string[];
  regex?: string;
  explanation: { en: string; "zh-CN"?: string };
  action: { en: string; "zh-CN"?: string };
  priority?: "first" | "last" | { before: string } | { after: string };
};

/** CatalogIssue is a problem in the config's causes, with the config path it concerns. */
export type CatalogIssue = { path: (string | number)[]; message: string };

function makeCatalog(causes: readonly Cause[]): Catalog {
  return { causes, rank: new Map(causes.map((c, i) => [c.id, i])), rules: catalogRules(causes) };
}

/** BUILTIN is the built-in catalog alone. */
export const BUILTIN: Catalog = makeCatalog(CAUSES);
// The renderer's catalog: alerts are worded by channels that know the locale but not the config.
let forWords: Catalog = BUILTIN;

/** useCatalog gives the renderer the run's catalog, so that a cause of the config's own is worded in its locale. */
export function useCatalog(catalog: Catalog): void {
  forWords = catalog;
}

/**
 * buildCatalog merges the config's causes into the built-in catalog. A user cause goes where its `priority` says
 * (`first`, `last`, `{before: id}`, `{after: id}`), by default just above the wrappers, so that a cause of your own
 * wins over "job failed" but not over a GPU that fell off the bus. Returns the issues instead of throwing.
 */
export function buildCatalog(
  user: readonly UserCause[] = [],
  disabled: readonly string[] = [],
): { catalog: Catalog; issues: CatalogIssue[] } {
  const issues: CatalogIssue[] = [];
  const builtinIds = new Set(CAUSES.map((c) => c.id));
  disabled.forEach((id, i) => {
    if (!builtinIds.has(id))
      issues.push({
        path: ["disable_causes", i],
        message: `unknown built-in cause "${id}" (known: ${[...builtinIds].join(", ")})`,
      });
  });
  const off = new Set(disabled);
  const list: Cause[] = CAUSES.filter((c) => !off.has(c.id));
  const seen = new Map<string, number>();
  const placed: { cause: Cause; priority: UserCause["priority"]; at: number }[] = [];
  user.forEach((u, i) => {
    if (builtinIds.has(u.id)) {
      issues.push({
        path: ["causes", i, "id"],
        message: `"${u.id}" is a built-in cause; pick another id (disable_causes turns a built-in one off)`,
      });
      return;
    }
    if (seen.has(u.id)) {
      issues.push({
        path: ["causes", i, "id"],
        message: `duplicate cause id "${u.id}" (also causes[${seen.get(u.id)}])`,
      });
      return;
    }
    seen.set(u.id, i);
    const sources = [...(u.patterns ?? []), ...(u.regex !== undefined ? [u.regex] : [])];
    if (sources.length === 0) {
      issues.push({ path: ["causes", i], message: "give `patterns:` (a list of regexes) or `regex:`" });
      return;
    }
    const regexes: RegExp[] = [];
    for (const s of sources) {
      try {
        regexes.push(new RegExp(s));
      } catch (err) {
        issues.push({
          path: ["causes", i, u.regex === s ? "regex" : "patterns"],
          message: `invalid regex: ${(err as Error).message}`,
        });
      }
    }
    const zh = (x: UserCause["explanation"]) => x["zh-CN"] ?? x.en;
    const text = {
      en: { explain: u.explanation.en, action: u.action.en },
      "zh-CN": { explain: zh(u.explanation), action: zh(u.action) },
    };
    placed.push({ cause: { id: u.id, regexes, text }, priority: u.priority, at: i });
  });
  for (const p of placed) {
    const pr = p.priority;
    let index: number;
    if (pr === "first") index = 0;
    else if (pr === "last") index = list.length;
    else if (pr && typeof pr === "object") {
      const [key, ref] = "before" in pr ? (["before", pr.before] as const) : (["after", pr.after] as const);
      const at = list.findIndex((c) => c.id === ref);
      if (at < 0) {
        const known = list.map((c) => c.id).join(", ");
        issues.push({
          path: ["causes", p.at, "priority", key],
          message: `unknown cause "${ref}" (known here: ${known})`,
        });
        continue;
      }
      index = key === "before" ? at : at + 1;
    } else {
      const firstWrapper = list.findIndex((c) => c.wrapper);
      index = firstWrapper < 0 ? list.length : firstWrapper;
    }
    list.splice(index, 0, p.cause);
  }
  return { catalog: makeCatalog(list), issues };
}

/** restartCannotFix is the ids of the catalog's causes a restart cannot fix (`restartHelps: false`), for the engine. */
export function restartCannotFix(catalog: Catalog = BUILTIN): string[] {
  return catalog.causes.filter((c) => c.restartHelps === false).map((c) => c.id);
}

/** causeExplain is a cause's short explanation in the locale ("the disk is full"), or its id when unknown. */
export function causeExplain(id: string, locale: Locale = "en", catalog: Catalog = forWords): string {
  return causeById(id, catalog)?.text[locale].explain ?? id;
}

/** causeById returns the catalog entry with that id. */
export function causeById(id: string, catalog: Catalog = BUILTIN): Cause | undefined {
  const i = catalog.rank.get(id);
  return i === undefined ? undefined : catalog.causes[i];
}

/** classifyLine returns the cause the line names on its own (linear-time, as the probe does). */
export function classifyLine(line: string, catalog: Catalog = BUILTIN): Cause | undefined {
  return classifyLines([line], catalog);
}

/** classifyLines names the cause of one read (one incident), by the precedence above. */
export function classifyLines(lines: Iterable<string>, catalog: Catalog = BUILTIN): Cause | undefined {
  const picker = createPicker((id) => causePriority(id, catalog));
  const excuser = createExcuser((r: CatalogRule) => r.id);
  const add = (done: { matches: CatalogRule[] }[]) => {
    for (const { matches } of done) for (const r of matches) picker.add(r.id, r.strength);
  };
  for (const line of lines)
    add(
      excuser.screen(
        catalog.rules.filter((r) => linearOf(r.re).test(line)),
        line,
      ),
    );
  add(excuser.flush());
  const id = picker.pick();
  return id === undefined ? undefined : causeById(id, catalog);
}

/** causePriority ranks a cause id (lower is more important); unknown ids (free text) rank last. */
export function causePriority(id: string, catalog: Catalog = BUILTIN): number {
  return catalog.rank.get(id) ?? catalog.causes.length;
}

/** describeCause renders "id: explanation — action" in the locale; free-text causes come back as written. */
export function describeCause(id: string, locale: Locale = "en", catalog: Catalog = BUILTIN): string {
  const c = causeById(id, catalog);
  if (!c) return id;
  const t = c.text[locale];
  return `${c.id}: ${t.explain} — ${t.action}`;
}

/**
 * localizeCause re-renders a probe's `cause` ("gpu_oom: GPU out of memory — …", as the log probe writes it in
 * English) in another locale; a free-text cause comes back unchanged. For the renderer, which knows the config's
 * locale.
 */
export function localizeCause(cause: string, locale: Locale, catalog: Catalog = forWords): string {
  const id = /^([a-z][a-z0-9_]*)(?:: |$)/.exec(cause)?.[1];
  return id && causeById(id, catalog) ? describeCause(id, locale, catalog) : cause;
}
