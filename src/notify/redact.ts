import { secretPattern } from "./secret-forms.js";

/** Redactor removes known secrets (and, when asked, paths and IP addresses) from text. */
export type Redactor = (text: string) => string;

/** Query parameters whose value is a credential, whoever built the URL (a vendor's echo, an error message). */
const TOKEN_KEYS =
  "access_token|token|key|secret|sign|sig|api_key|apikey|signature|auth|authorization|password|passwd|pwd" +
  "|client_secret|private_token|x-api-key";
const TOKEN_PARAM = new RegExp(`([?&;](?:${TOKEN_KEYS})=)[^&\\s"'\\\\<>]+`, "gi");
/** A Telegram-style bot token in a URL path: /bot123456789:AAE.../sendMessage. */
const BOT_PATH = /(\/bot)\d{5,}:[\w-]{20,}/g;

/**
 * createRedactor masks every known secret, in every form it can take in an output, as ***: raw, URL-encoded,
 * HTML-escaped, and inside one or two levels of JSON strings as the writers of JSON produce them (`\"`, `\\`, `\/`,
 * `\u00e9`, Go's `\u0026`), which is also Prometheus' label escaping; and its base64 (Basic auth echoed back). A log
 * line or a state file holds a secret JSON-escaped, and a vendor's error body quoted in a JSON log line holds it
 * escaped twice. Token-like URL parameters and bot tokens in URL paths are masked whether configured or not.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a secret that contains another is replaced whole.
  const all = secrets.filter((s) => s.length > 0).flatMap((s) => [s, ...base64Forms(s)]);
  const list = [...new Set(all)].sort((a, b) => b.length - a.length);
  const matchers = list.map((secret) => ({ secret, anchor: anchorOf(secret), re: undefined as RegExp | undefined }));
  return (text) => {
    let out = text;
    for (const m of matchers) {
      // Letters and digits are literal in every form: a text without the secret's longest run of them cannot hold
      // it, and the (large) pattern is neither built nor run. Most texts hold no secret at all.
      if (m.anchor !== undefined && !out.includes(m.anchor)) continue;
      if (m.anchor === m.secret) {
        out = out.split(m.secret).join("***");
        continue;
      }
      m.re ??= new RegExp(secretPattern(m.secret), "g");
      out = out.replace(m.re, "***");
    }
    return out.replace(TOKEN_PARAM, "$1***").replace(BOT_PATH, "$1***");
  };
}

/**
 * base64Forms are a secret as Basic auth and token headers carry it, which a server may echo: standard and URL-safe
 * base64, without the padding (a padded copy is then masked but for its `=`).
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  return [bytes.toString("base64").replace(/=+$/, ""), bytes.toString("base64url")];
}

/** anchorOf is the longest run of letters and digits in a secret; undefined when it has fewer than 3 in a row. */
function anchorOf(secret: string): string | undefined {
  const runs = secret.match(/[A-Za-z0-9]+/g) ?? [];
  const best = runs.reduce((a, b) => (b.length > a.length ? b : a), "");
  return best.length >= 3 ? best : undefined;
}

/**
 * redactJsonLine masks a JSON text (a log line) and keeps it valid JSON: a text-level match can, in rare cases, end
 * inside an escape sequence (a secret ending in a backslash); then the value is parsed, masked string by string,
 * and written again.
 */
export function redactJsonLine(line: string, redact: Redactor): string {
  const masked = redact(line);
  if (masked === line) return line;
  try {
    JSON.parse(masked);
    return masked;
  } catch {
    try {
      const deep = (v: unknown): unknown => {
        if (typeof v === "string") return redact(v);
        if (Array.isArray(v)) return v.map(deep);
        if (v && typeof v === "object")
          return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k), deep(x)]));
        return v;
      };
      return `${JSON.stringify(deep(JSON.parse(line)))}${line.endsWith("\n") ? "\n" : ""}`;
    } catch {
      return masked;
    }
  }
}

// redactExcerpt (paths and IPs out of a log excerpt) is plain text work, shared with the log probe: src/text.ts.
export { redactExcerpt } from "../text.js";
