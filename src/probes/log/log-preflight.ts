import fs from "node:fs";
import path from "node:path";
import { backtrackingNote } from "../../core/backtracking.js";
import { hasGlob } from "../../glob.js";
import type { HostFinding } from "../types.js";

/** PreflightConfig is what the log check's preflight reads of its config. */
type PreflightConfig = { path: string; patterns: readonly (string | { regex: string })[]; missing?: string };

/**
 * logPreflight is what `validate` says of a log check: its directory missing or unreadable here, and each pattern
 * that would backtrack catastrophically in a backtracking engine.
 */
export async function logPreflight(cfg: PreflightConfig): Promise<HostFinding[]> {
  const out: HostFinding[] = [];
  const fixed = cfg.path
    .split("/")
    .filter((_, j, parts) => !parts.slice(0, j + 1).some(hasGlob))
    .join("/");
  const dir = hasGlob(cfg.path) ? fixed || "/" : path.dirname(cfg.path);
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK);
  } catch (err) {
    const absent = (err as NodeJS.ErrnoException).code === "ENOENT";
    // `missing: ok` (the recipes' log checks) says a log absent on this host is fine: nothing to warn about.
    const status = absent ? (cfg.missing ?? "unknown") : "unknown";
    const why = absent ? "does not exist" : "cannot be read";
    if (status !== "ok")
      out.push({ path: ["path"], message: `directory ${dir} ${why} here; the check would report "${status}"` });
  }
  for (const [i, p] of cfg.patterns.entries()) {
    const note = await backtrackingNote(typeof p === "string" ? p : p.regex);
    if (note) out.push({ path: typeof p === "string" ? ["patterns", i] : ["patterns", i, "regex"], message: note });
  }
  return out;
}
