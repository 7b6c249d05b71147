import { z } from "zod";
import { closest, formatPath, valueAt, type PathKey } from "./locate.js";
import { configSchema } from "./schema.js";

// What a config error says beyond zod's own message: the types a `type:` may name and the keys a mapping allows,
// found by walking the config schema along the error's path (for "did you mean").

/** describeIssue words one zod issue for a config error (an unknown `type` gets its did-you-mean). */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown, path: PathKey[]): string {
  const atType = path[path.length - 1] === "type";
  if (issue.code === "invalid_union" && (atType || (issue as { note?: string }).note === "No matching discriminator")) {
    const itemPath = atType ? path.slice(0, -1) : path;
    const type = valueAt(data, [...itemPath, "type"]);
    const options = discriminatorValues(itemPath);
    const hint = type === undefined ? undefined : closest(String(type), options);
    return type === undefined
      ? `missing "type" (one of: ${options.join(", ")})`
      : `unknown type ${JSON.stringify(type)}${hint ? ` (did you mean "${hint}"?)` : ""}; expected one of: ` +
          `${options.join(", ")}`;
  }
  const value = valueAt(data, path);
  if (issue.code === "invalid_type" && value === undefined) return `required (${issue.expected})`;
  if (issue.code === "invalid_type" && value === null) return empty(path, [issue.expected]);
  const owner = issue.code === "invalid_type" && issue.expected === "object" ? siblingOwning(data, path) : undefined;
  if (owner)
    return (
      `expected a mapping; "${String(path[path.length - 1])}" is a key of ${formatPath(owner)}: ` +
      `indent it like the other keys of ${formatPath(owner)}`
    );
  // zod says only "Invalid input" when no option of a union fits (a string or a list of them): name the options.
  const options = issue.code === "invalid_union" ? unionTypes(issue) : [];
  if (options.length) {
    if (value === undefined) return `required (${options.map((t) => WORDS[t] ?? t).join(" or ")})`;
    if (value === null) return empty(path, options);
  }
  return issue.message;
}

const WORDS: Record<string, string> = { array: "a list", object: "a mapping", string: "a string", number: "a number" };

/**
 * empty words a key with nothing after it: most often what belongs to it (a list's items, a mapping's keys) is not
 * indented deeper than the key, so YAML read it as the key's siblings.
 */
function empty(path: readonly PathKey[], expected: readonly string[]): string {
  const key = path[path.length - 1];
  return (
    `empty, expected ${expected.map((t) => WORDS[t] ?? t).join(" or ")}` +
    (typeof key === "string" ? ` (is what belongs under "${key}:" indented deeper than it?)` : "")
  );
}

/**
 * siblingOwning finds the mapping next to PATH whose keys include PATH's last key (`to:` written under `channels:`
 * instead of under `channels.email:`): the key was indented as a sibling of the mapping it belongs to.
 */
function siblingOwning(data: unknown, path: readonly PathKey[]): PathKey[] | undefined {
  const key = path[path.length - 1];
  const parent = valueAt(data, path.slice(0, -1));
  if (typeof key !== "string" || parent === null || typeof parent !== "object" || Array.isArray(parent)) return;
  for (const sibling of Object.keys(parent)) {
    const at = [...path.slice(0, -1), sibling];
    if (sibling !== key && keysAt(configSchema, data, at).includes(key)) return at;
  }
  return undefined;
}

/** unionTypes are the types a union's options expect at the value itself, as zod reports them when none fits. */
function unionTypes(issue: z.core.$ZodIssueInvalidUnion): string[] {
  const types = issue.errors.flatMap((errs) =>
    errs
      .filter((e): e is z.core.$ZodIssueInvalidType => e.code === "invalid_type" && e.path.length === 0)
      .map((e) => String(e.expected)),
  );
  return [...new Set(types)];
}

function discriminatorValues(path: PathKey[]): string[] {
  const schema = schemaAt(configSchema, undefined, path, true);
  const options = schema instanceof z.ZodUnion ? schema.options : [];
  return options.flatMap((o) => {
    const type = o instanceof z.ZodObject ? typeOf(o) : undefined;
    return type === undefined ? [] : [String(type)];
  });
}

/** typeOf is the `type: z.literal(...)` value of an object schema of a discriminated union, if it has one. */
function typeOf(schema: z.ZodObject): unknown {
  const type: unknown = schema.shape.type;
  return type instanceof z.ZodLiteral ? type.value : undefined;
}

// The walk below reads zod's public API only (classes, `shape`, `element`, `valueType`, `unwrap()`, `in`, `options`).
type Schema = z.core.$ZodType;

/** schemaAt walks the zod schema along a data path (unwrapping defaults, pipes and unions by the data's `type`). */
function schemaAt(schema: Schema, data: unknown, path: readonly PathKey[], keepUnion = false): Schema | undefined {
  let cur: Schema | undefined = schema;
  let value = data;
  for (let i = 0; i <= path.length && cur; i++) {
    cur = unwrap(cur, value, keepUnion && i === path.length);
    if (i === path.length || !cur) break;
    const k = path[i]!;
    if (cur instanceof z.ZodObject) cur = typeof k === "string" ? (cur.shape as Record<string, Schema>)[k] : undefined;
    else if (cur instanceof z.ZodArray) cur = cur.element;
    else if (cur instanceof z.ZodRecord) cur = cur.valueType;
    else return undefined;
    value = value !== null && typeof value === "object" ? (value as Record<string | number, unknown>)[k] : undefined;
  }
  return cur;
}

function unwrap(schema: Schema, value: unknown, keepUnion = false): Schema | undefined {
  let cur: Schema | undefined = schema;
  for (let guard = 0; cur && guard < 20; guard++) {
    if (
      cur instanceof z.ZodOptional ||
      cur instanceof z.ZodDefault ||
      cur instanceof z.ZodNullable ||
      cur instanceof z.ZodPrefault
    ) {
      cur = cur.unwrap();
    } else if (cur instanceof z.ZodPipe) cur = cur.in;
    else if (cur instanceof z.ZodUnion && !keepUnion) {
      const type = value !== null && typeof value === "object" ? (value as { type?: unknown }).type : undefined;
      const objects = cur.options
        .map((o) => unwrap(o, value))
        .filter((o): o is z.ZodObject => o instanceof z.ZodObject);
      const discriminated = cur instanceof z.ZodDiscriminatedUnion;
      return objects.find((o) => typeOf(o) === type) ?? (discriminated ? undefined : objects[0]);
    } else return cur;
  }
  return cur;
}

/** keysAt lists the keys the schema allows at a path, for "did you mean". */
export function keysAt(schema: Schema, data: unknown, path: readonly PathKey[]): string[] {
  const s = schemaAt(schema, data, path);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}
