import { isScalar, type Document } from "yaml";
import { interpolate } from "./load.js";
import type { PathKey } from "./locate.js";
import { SECRET_KEYS } from "./secrets.js";

/*
 * Where a value of the validated config came from, said so that it can be made again without the YAML parser: the
 * config cache (cache.ts) keeps a secret as its source, never as its value.
 */

/** Source makes one string value again: a span of the config text (maybe with ${VAR}s), or a `*_file` secret. */
export type Source =
  { at: PathKey[]; span: [number, number]; quote: "" | "'" | '"'; expand: boolean } | { at: PathKey[]; file: string };

type Env = Readonly<Record<string, string | undefined>>;

/**
 * spanText is the value a one-line scalar's span of the text stands for: plain, single-quoted ('' is ') or
 * double-quoted without escapes. Undefined for anything else (folded, block or escaped): such a value is not kept.
 */
export function spanText(text: string, span: readonly [number, number], quote: string): string | undefined {
  const s = text.slice(span[0], span[1]);
  if (s.includes("\n") || s.includes("\r")) return undefined;
  if (quote === "") return s;
  if (s.length < 2 || !s.startsWith(quote) || !s.endsWith(quote)) return undefined;
  const inner = s.slice(1, -1);
  if (quote === "'") return inner.replaceAll("''", "'");
  return inner.includes("\\") ? undefined : inner;
}

/** valueOf makes a span source's value again: its text, with ${VAR}s expanded when it had any. */
export function valueOf(text: string, source: Extract<Source, { span: unknown }>, env: Env): string | undefined {
  const raw = spanText(text, source.span, source.quote);
  if (raw === undefined) return undefined;
  return source.expand ? interpolate(raw, env).value : raw;
}

const QUOTES: Record<string, "" | "'" | '"'> = { PLAIN: "", QUOTE_SINGLE: "'", QUOTE_DOUBLE: '"' };

/**
 * sourceOf finds where the string VALUE at PATH of the config came from in DOC (the document parseConfig read, its
 * values as expanded): the scalar at the same path, when its text gives VALUE again; or, for a secret key, the
 * `<key>_file` beside it. Undefined when neither holds: the caller then keeps no cache of this config.
 */
export function sourceOf(doc: Document, text: string, env: Env, path: PathKey[], value: string): Source | undefined {
  const node = doc.getIn(path, true);
  if (isScalar(node) && typeof node.value === "string" && node.range && node.type && node.type in QUOTES) {
    const span: [number, number] = [node.range[0], node.range[1]];
    const quote = QUOTES[node.type]!;
    const raw = spanText(text, span, quote);
    if (raw !== undefined) {
      const source = { at: path, span, quote, expand: raw.includes("$") };
      if (valueOf(text, source, env) === value) return source;
    }
    return undefined;
  }
  const key = path[path.length - 1];
  if (node === undefined && typeof key === "string" && SECRET_KEYS.has(key)) {
    const file = doc.getIn([...path.slice(0, -1), `${key}_file`], true);
    if (isScalar(file) && typeof file.value === "string") return { at: path, file: file.value };
  }
  return undefined;
}
