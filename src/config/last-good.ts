import crypto from "node:crypto";
import fs from "node:fs";
import { readRegular, trustProblem, writeFileAtomic } from "../core/safe-fs.js";

/*
 * The last config that validated, kept beside the state file so that a broken edit never stops the watching:
 *   <state_file>.config-good.yaml     its text, as written (secrets are read afresh from ${VARS} and *_file), 0600
 *   <state_file>.config-broken.json   while the config is broken: what is wrong, since when, whether a person was told
 */

/** LastGood is the kept text and when it was first seen valid (the copy is rewritten only when the text changes). */
export type LastGood = { text: string; validatedAt: number };

/** Broken is the marker of a broken config: `hash` of its text, so that each distinct broken text is told once. */
export type Broken = { hash: string; since: number; issues: string[]; validatedAt: number; told: boolean };

/** goodFileOf is where the last config that validated is kept. */
export const goodFileOf = (stateFile: string) => `${stateFile}.config-good.yaml`;
/** brokenFileOf is where the marker of a broken config is kept. */
export const brokenFileOf = (stateFile: string) => `${stateFile}.config-broken.json`;

const MAX = 16 * 1024 * 1024;

/** readLastGood returns the kept config, or undefined when there is none (never throws). */
export function readLastGood(stateFile: string): LastGood | undefined {
  try {
    const read = readRegular(goodFileOf(stateFile), { maxBytes: MAX });
    // Its checks and hooks would run as us (root from cron): a copy someone else could write is no copy.
    if (trustProblem(goodFileOf(stateFile), read.stat)) return undefined;
    return { text: read.text, validatedAt: read.stat.mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * keepLastGood records a config that validated: its text (written only when it changed, so a healthy run writes
 * nothing) and the end of a broken episode. Says whether the text changed since the last copy, and a problem to
 * log; never throws (the run goes on without it).
 */
export function keepLastGood(stateFile: string, text: string): { changed: boolean; problem?: string } {
  const kept = readLastGood(stateFile);
  const changed = kept !== undefined && kept.text !== text;
  try {
    if (kept?.text !== text) writeFileAtomic(goodFileOf(stateFile), text, 0o600);
    if (fs.existsSync(brokenFileOf(stateFile))) fs.rmSync(brokenFileOf(stateFile), { force: true });
    return { changed };
  } catch (err) {
    return { changed, problem: `could not keep a copy of the config that validated: ${(err as Error).message}` };
  }
}

/** readBroken returns the marker of a broken config, or undefined when the config is not known to be broken. */
export function readBroken(stateFile: string): Broken | undefined {
  try {
    const data = JSON.parse(readRegular(brokenFileOf(stateFile), { maxBytes: 1024 * 1024 }).text) as Partial<Broken>;
    if (typeof data.hash !== "string" || typeof data.since !== "number" || !Array.isArray(data.issues))
      return undefined;
    const validatedAt = typeof data.validatedAt === "number" ? data.validatedAt : data.since;
    return { hash: data.hash, since: data.since, issues: data.issues.map(String), validatedAt, told: !!data.told };
  } catch {
    return undefined;
  }
}

/** brokenFor returns the marker when it is about this very text (a config that validated has none). */
export function brokenFor(stateFile: string, text: string): Broken | undefined {
  const b = readBroken(stateFile);
  return b && b.hash === hashText(text) ? b : undefined;
}

/** writeBroken saves the marker (0600: the issues may quote the file). Returns a problem to report, never throws. */
export function writeBroken(stateFile: string, broken: Broken): string | undefined {
  try {
    writeFileAtomic(brokenFileOf(stateFile), `${JSON.stringify(broken)}\n`, 0o600);
    return undefined;
  } catch (err) {
    return `could not record the broken config: ${(err as Error).message}`;
  }
}

/** hashText identifies a broken text: the same mistake is told once, a new one again. */
export function hashText(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

/**
 * nextBroken is the marker for this run: the same text keeps its marker; a new broken text is told again, and the
 * episode keeps the time it began.
 */
export function nextBroken(prev: Broken | undefined, hash: string, issues: string[], now: number, goodAt: number) {
  if (prev?.hash === hash) return prev;
  return { hash, since: prev?.since ?? now, issues, validatedAt: goodAt, told: false };
}

/** brokenLine is what a person is told: the first few problems and the config still in use. */
export function brokenLine(b: Broken, formatTime: (ms: number) => string): string {
  const shown = b.issues.slice(0, SHOWN);
  const more =
    b.issues.length > SHOWN ? ` (and ${b.issues.length - SHOWN} more: \`watchdog validate\` lists them)` : "";
  return (
    `config invalid at ${shown.join("; ") || "(unknown)"}${more}; ` +
    `still watching with the config that validated at ${formatTime(b.validatedAt)}`
  );
}

/** One mistake often gives two issues (a typo'd key is unknown, the real one missing): both say what to fix. */
const SHOWN = 3;
