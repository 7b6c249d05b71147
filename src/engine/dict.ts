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
