/** Redactor removes known secrets (and, when asked, paths and IP addresses) from text. */
export type Redactor = (text: string) => string;

const TOKEN_PARAM = /([?&](?:access_token|token|key|secret|sign|api_key|apikey|signature)=)[^&\s"']+/gi;

/** createRedactor masks every known secret and token-like URL parameter as ***. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const list = secrets.filter((s) => s.length > 0);
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join("***");
    return out.replace(TOKEN_PARAM, "$1***");
  };
}

const ABS_PATH = /(^|[\s"'(=:])\/(?:[\w.@+-]+\/)*[\w.@+-]+/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const IPV6 = /\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b/gi;

/** redactExcerpt removes absolute paths and/or IP addresses from a log excerpt, as `redact:` asks. */
export function redactExcerpt(line: string, what: readonly ("paths" | "ips")[]): string {
  let out = line;
  if (what.includes("ips")) out = out.replace(IPV4, "<ip>").replace(IPV6, "<ip>");
  if (what.includes("paths")) out = out.replace(ABS_PATH, "$1<path>");
  return out;
}
