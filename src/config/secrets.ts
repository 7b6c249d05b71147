import { channelSecretKeys } from "../notify/registry.js";
import type { PathKey } from "./locate.js";

/**
 * SECRET_KEYS are config keys whose values are secrets; each also accepts a `<key>_file` form. The channels' come
 * from their registry entries; the rest are the probes' credentials.
 */
export const SECRET_KEYS = new Set(["password", "api_key", "token", "access_token", "key", ...channelSecretKeys()]);

const SECRET_WORD_END = /(token|key|secret|pass|password|passwd|pwd|cookie)$/;
const SECRET_WORD = /^(sig|sign|signature|auth|authorization|credentials?|session)$/;

/**
 * secretName says whether a header, query parameter or environment variable name holds a credential: one of its
 * words (split at - _ .) is or ends like one (X-Api-Key, X-Custom-Sig, X-Auth-Token, ?auth=, ?apikey=, DB_PASSWORD).
 * Whole words, so that ?design= or X-Signal-Id are not taken for secrets (their values would be masked everywhere).
 */
function secretName(name: string): boolean {
  return name
    .toLowerCase()
    .split(/[-_.]/)
    .some((w) => SECRET_WORD_END.test(w) || SECRET_WORD.test(w));
}
const HOOK_SEGMENT = /^(hook|hooks|webhook|webhooks|services)$/i;
const URL_KEYS = new Set(["webhook", "url", "urls", "base_url", "endpoint"]);
/** Secrets shorter than this are not scrubbed from text: replacing "ok" everywhere would garble output. */
export const MIN_SECRET = 4;

/** collectSecrets walks a config and returns every secret value, and whether any was written inline in the file. */
export function collectSecrets(
  config: unknown,
  fromEnvOrFile: (path: PathKey[]) => boolean,
): { secrets: string[]; inline: boolean } {
  const found = new Set<string>();
  let inline = false;
  const addSecret = (v: string, path: PathKey[], checkInline: boolean) => {
    if (v.length < MIN_SECRET) return;
    found.add(v);
    if (checkInline && !fromEnvOrFile(path)) inline = true;
  };
  const walk = (node: unknown, path: PathKey[], parentKey: string | undefined) => {
    if (typeof node === "string") {
      const key = String(parentKey ?? "");
      if (SECRET_KEYS.has(key)) addSecret(node, path, true);
      else if (
        URL_KEYS.has(key) ||
        (typeof path[path.length - 1] === "number" && URL_KEYS.has(String(path[path.length - 2])))
      ) {
        for (const s of urlSecrets(node)) addSecret(s, path, true);
      } else if (path[path.length - 2] === "env" && secretName(key)) {
        // An exec check's environment: API_TOKEN, DB_PASSWORD... (a plugin may print what it was given).
        addSecret(node, path, true);
      } else if (path[path.length - 2] === "headers" && secretName(key)) {
        addSecret(node, path, true);
        const token = /^\s*\w+\s+(\S+)$/.exec(node)?.[1];
        if (token) addSecret(token, path, false);
      }
      return;
    }
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, i], parentKey));
    else for (const [k, v] of Object.entries(node)) walk(v, [...path, k], k);
  };
  walk(config, [], undefined);
  // Longest first, so a secret that contains another is replaced whole.
  return { secrets: [...found].sort((a, b) => b.length - a.length), inline };
}

/** decode is decodeURIComponent that keeps a malformed escape as it is (the other secrets of the URL still count). */
const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** urlSecrets returns the password and token-like query values of a URL. */
export function urlSecrets(raw: string): string[] {
  const out: string[] = [];
  try {
    const u = new URL(raw);
    // `user:pass` too: Basic auth sends it base64-encoded, and the redactor masks every secret's base64 forms.
    if (u.password) out.push(decode(u.password), u.password, `${decode(u.username)}:${decode(u.password)}`);
    // Tokens in the path: Feishu /open-apis/bot/v2/hook/<token>, Slack /services/T…/B…/<token>, Discord
    // /webhooks/<id>/<token>, Telegram /bot<token>/sendMessage.
    const segments = u.pathname.split("/");
    const from = segments.findIndex((s) => HOOK_SEGMENT.test(s));
    if (from >= 0) for (const s of segments.slice(from + 1)) if (s.length >= 8) out.push(decode(s), s);
    for (const s of segments) if (/^bot.{8,}$/.test(s)) out.push(decode(s.slice(3)), s.slice(3));
    for (const [k, v] of u.searchParams) if (secretName(k) && v) out.push(v, encodeURIComponent(v));
  } catch {
    // Not a URL: nothing to find.
  }
  return out;
}
