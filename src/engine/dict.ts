import type { State } from "./types.js";

/**
 * dict makes a map keyed by names the user chose (checks, channels) with no prototype: on a plain `{}`, a check named
 * `__proto__` is written through the prototype setter and lost, and `constructor` or `toString` reads back
 * Object.prototype's function as if that check had state. A prototype-less object has no such keys, and it is still
 * a plain object for JSON.stringify and Object.entries, so the state file keeps its shape.
 */
export function dict<T>(from?: Readonly<Record<string, T>> | Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (!from) return out;
  // Entries, not Object.assign from a record: an own `__proto__` key (as JSON.parse makes) is copied as data.
  const entries = Symbol.iterator in from ? (from as Iterable<readonly [string, T]>) : Object.entries(from);
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** own reads a name-keyed map by its own keys only: a missing `constructor` is undefined, not Object. */
export function own<T>(map: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return map !== undefined && map !== null && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** withDicts returns the state with its name-keyed maps (checks, channels, probes, sent) prototype-less, as loaded. */
export function withDicts(state: State): State {
  const map = <T>(m: Record<string, T> | undefined) => dict<T>(m && typeof m === "object" ? m : undefined);
  const { checks, channels, probes, sent, channelHealth } = state;
  const health = channelHealth === undefined ? {} : { channelHealth: map(channelHealth) };
  return { ...state, checks: map(checks), channels: map(channels), probes: map(probes), sent: map(sent), ...health };
}
