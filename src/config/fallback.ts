import path from "node:path";
import { ConfigError } from "../errors.js";
import { defaultStateFile, loadConfigFrom, readConfigSource, type Inputs, type LoadOptions } from "./discover.js";
import { interpolate, type Loaded } from "./load.js";
import { hashText, nextBroken, readBroken, readLastGood, type Broken } from "./last-good.js";

/** Opened is the config a run uses, its text, and, when the file is broken, the marker of the fallback. */
export type Opened = {
  loaded: Loaded;
  /** The text of the file as read (the broken one on a fallback); undefined for the embedded default. */
  text: string | undefined;
  /** Set when the file did not validate and the last config that validated is used instead. */
  fallback: { broken: Broken; changed: boolean } | undefined;
};

/**
 * loadWithFallback loads the config like loadConfig; when the file does not validate (a typo'd key, a bad indent, an
 * unset ${VAR}) it takes the last config that validated, kept beside the state file (last-good.ts). Without such a
 * copy (a first-ever invalid config), or when the copy no longer loads either, the ConfigError stands (exit 78).
 */
export function loadWithFallback(
  opts: LoadOptions,
  inputs: Inputs,
  extraDefaultChecks: string,
  now: number,
  fallback: boolean,
): Opened {
  const src = readConfigSource(opts, inputs, extraDefaultChecks);
  try {
    return { loaded: loadConfigFrom(src, opts, inputs), text: src.file && src.text, fallback: undefined };
  } catch (err) {
    if (!fallback || !(err instanceof ConfigError) || src.file === undefined) throw err;
    for (const stateFile of stateFileCandidates(src.text, opts, inputs.env)) {
      const good = readLastGood(stateFile);
      if (!good) continue;
      let loaded: Loaded;
      try {
        // The copy is parsed afresh, its secrets read again from ${VARS} and *_file.
        loaded = loadConfigFrom({ ...src, text: good.text }, opts, inputs);
      } catch {
        continue;
      }
      if (path.resolve(loaded.config.state_file) !== path.resolve(stateFile)) continue;
      const prev = readBroken(stateFile);
      const broken = nextBroken(prev, hashText(src.text), err.issues, now, good.validatedAt);
      return { loaded, text: src.text, fallback: { broken, changed: broken !== prev } };
    }
    throw err;
  }
}

/**
 * stateFileCandidates are where the copy may be: the state file --state names, else the one the broken text names
 * (read line by line: the YAML may not parse), else the default. The copy found must name that same state file.
 */
function stateFileCandidates(text: string, opts: LoadOptions, env: Inputs["env"]): string[] {
  if (opts.state) return [opts.state];
  const out: string[] = [];
  const m = /^state_file:[ \t]*(?:"([^"]*)"|'([^']*)'|([^#\s][^#]*?))[ \t]*(?:#.*)?$/m.exec(text);
  const named = m ? (m[1] ?? m[2] ?? m[3] ?? "") : "";
  if (named) out.push(interpolate(named, env).value);
  out.push(defaultStateFile(env));
  return [...new Set(out)];
}
