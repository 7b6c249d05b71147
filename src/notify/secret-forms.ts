/**
 * The forms a secret takes in the outputs, as a regular expression. A secret is matched character by character, each
 * character by the alternatives below, so that any mix of escaped and raw characters (as real writers produce) is
 * found. Letters and digits are never escaped by anyone: they stay literal in every form (the redactor's prefilter
 * counts on it).
 *   text     the character; `%XX` of its UTF-8 bytes (upper or lower hex; `%25XX` when encoded twice; `+` for a space);
 *            HTML `&amp;` `&lt;` `&gt;` `&quot;` `&#39;`
 *   JSON     inside a JSON string: `\"` `\\` `\/` `\n`..., and `\u00e9`/`\u00E9` where writers use it
 *            (non-ASCII: Python, PHP; `<>&='"`: Go, Gson, PHP; control characters); a text form so escaped
 *   JSON x2  a JSON string quoted inside another (a vendor's error body in a log line): the JSON forms escaped again.
 *            Deeper nesting is not looked for.
 * Backslash counts are exact per level, so a match never ends inside an escape sequence of the level it matched.
 * Prometheus label values escape `\`, `"` and newlines as JSON does.
 */

const ALNUM = /^[A-Za-z0-9]$/;

/** reEscape quotes a string for use in a RegExp. */
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const bothCases = (s: string) => [...new Set([s.toLowerCase(), s.toUpperCase()])];

/** textForms are the strings one character can be written as in plain text: raw, URL-encoded, HTML-escaped. */
function textForms(c: string): string[] {
  if (ALNUM.test(c)) return [c];
  const bytes = [...Buffer.from(c, "utf8")];
  const pct = (twice: boolean) => bothCases(bytes.map((b) => `%${twice ? "25" : ""}${hex(b, 2)}`).join(""));
  return [c, ...pct(false), ...pct(true), ...(c === " " ? ["+"] : []), ...(HTML[c] ?? [])];
}

const HTML: Record<string, string[]> = {
  "&": ["&amp;"],
  "<": ["&lt;"],
  ">": ["&gt;"],
  '"': ["&quot;", "&#34;"],
  "'": ["&#39;", "&#x27;", "&apos;"],
};
const SHORT: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "/": "\\/",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};
/** Characters some JSON writer writes as \uXXXX although JSON allows them raw (Go, Gson, PHP's JSON_HEX_*). */
const UNICODE_ESCAPED = new Set(["<", ">", "&", "=", "'", '"']);

/** jsonForms are the strings one character can be written as inside a JSON string, by any JSON writer. */
function jsonForms(c: string): string[] {
  if (ALNUM.test(c)) return [c];
  const out: string[] = [];
  // Raw, unless JSON forbids it raw (a quote, a backslash, a control character).
  if (c !== '"' && c !== "\\" && c >= " ") out.push(c);
  if (SHORT[c]) out.push(SHORT[c]);
  if (c < " " || c > "~" || UNICODE_ESCAPED.has(c)) {
    const units = Array.from({ length: c.length }, (_, i) => hex(c.charCodeAt(i), 4));
    out.push(
      ...bothCases(units.join(" ")).map((u) =>
        u
          .split(" ")
          .map((x) => `\\u${x}`)
          .join(""),
      ),
    );
  }
  return out;
}

/** alt is a RegExp alternation of the given sources (no group for one). */
const alt = (sources: string[]) => {
  const u = [...new Set(sources)];
  return u.length === 1 ? u[0]! : `(?:${u.join("|")})`;
};

const memo = new Map<string, string>();

/** escaped is the RegExp of a string written inside `level` JSON strings, each character in any of its JSON forms. */
function escaped(s: string, level: number): string {
  if (level === 0) return reEscape(s);
  const key = `${level}\0${s}`;
  let out = memo.get(key);
  if (out === undefined) {
    out = [...s].map((c) => alt(jsonForms(c).map((f) => escaped(f, level - 1)))).join("");
    memo.set(key, out);
  }
  return out;
}

/** secretPattern is the RegExp source that matches `secret` in any of its forms (see the top of this file). */
export function secretPattern(secret: string): string {
  const chars = [...secret];
  const level = (n: number) => chars.map((c) => alt(textForms(c).map((t) => escaped(t, n)))).join("");
  return alt([level(0), level(1), level(2)]);
}
