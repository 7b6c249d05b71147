import { z } from "zod";
import { SEVERITIES, STATUSES } from "../core/status.js";

// The building blocks of the state file's schemas (state-schema.ts, outbox-schema.ts): fields read leniently.

export const num = z.number();
export const str = z.string();
/** opt is an optional field; null (hand-edited files) reads as absent. */
export const opt = <T extends z.ZodType>(s: T) => s.nullish().transform((v) => v ?? undefined);
/** status and severity are the words of core/status.ts. */
export const status = z.enum(STATUSES);
export const severity = z.enum(SEVERITIES);

/**
 * wordOf reads as this build's type T a word or notice that a newer build may extend: what SCHEMA accepts is kept as
 * it is (a file is never refused for a word it has not seen), and the code reading it falls to its default.
 */
export const wordOf = <T>(schema: z.ZodType = str) => schema.pipe(z.custom<T>());

/** isPlainObject is whether V is an object that is not an array. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * recordOf is a map from names to VALUE. Built with Object.fromEntries, so a key such as `__proto__` (a check may be
 * named so) stays an own entry instead of being dropped or setting the prototype.
 */
export function recordOf<T extends z.ZodType>(value: T) {
  return z.unknown().transform((v, ctx): Record<string, z.output<T>> => {
    if (!isPlainObject(v)) {
      ctx.issues.push({ code: "custom", message: `expected an object, received ${describe(v)}`, input: v });
      return z.NEVER;
    }
    const out: [string, z.output<T>][] = [];
    for (const [k, x] of Object.entries(v)) {
      const r = value.safeParse(x);
      if (r.success) out.push([k, r.data]);
      else for (const i of r.error.issues) ctx.issues.push({ ...i, path: [k, ...i.path] } as never);
    }
    return Object.fromEntries(out);
  });
}

function describe(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}
