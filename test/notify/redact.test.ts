import { describe, expect, it } from "vitest";
import { createRedactor, redactJsonLine } from "../../src/notify/redact.js";

// The redactor masks a configured secret in every form an output can hold it in. Each form below is what a real
// writer produces: JSON.stringify, a JSON string quoted in another, Python's ensure_ascii, Go's HTML-safe escaping,
// PHP's \/, URL encoding (component and form), HTML escaping, Prometheus label escaping.
const SECRETS = ['pa"ss\\w/o&rd%20ü密😀', "tok-Aa11/Bb22&Cc33", "plainalnumtoken123", "a+b c=d'e<f>x"];
const json = (s: string) => JSON.stringify(s).slice(1, -1);
const u = (re: RegExp) => (t: string) => t.replace(re, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const FORMS: [string, (s: string) => string][] = [
  ["raw", (s) => s],
  ["JSON", json],
  ["JSON in JSON", (s) => json(json(s))],
  ["JSON with \\/", (s) => json(s).replace(/\//g, "\\/")],
  ["Python ensure_ascii", (s) => u(/[^\x20-\x7e]/g)(json(s))],
  ["Go HTML-safe", (s) => u(/[<>&]/g)(json(s))],
  [
    ".NET upper-case \\u",
    (s) => u(/[<>&]/g)(json(s)).replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`),
  ],
  ["Python in a JSON log line", (s) => json(u(/[^\x20-\x7e]/g)(json(s)))],
  ["URL component", encodeURIComponent],
  ["URL form", (s) => new URLSearchParams({ x: s }).toString().slice(2)],
  ["URL twice", (s) => encodeURIComponent(encodeURIComponent(s))],
  ["HTML", (s) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/'/g, "&#39;")],
  ["Prometheus label", (s) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')],
];

describe("createRedactor", () => {
  const redact = createRedactor(SECRETS);
  it.each(SECRETS.flatMap((s) => FORMS.map(([name, f]) => [name, s, f(s)] as const)))(
    "%s of %j",
    (_name, secret, form) => {
      const out = redact(`before ${form} after`);
      expect(out).toBe("before *** after");
      expect(out).not.toContain(secret);
    },
  );

  it("leaves text without secrets alone, however it is escaped", () => {
    const text = 'pa"ss\\w/o&rd%20 tok-Aa11/Bb22 {"a":"b\\"c\\u00fc"} %22 &amp; plainalnumtoken12';
    expect(redact(text)).toBe(text);
  });

  it("masks token-like query parameters and bot paths it was not told of", () => {
    expect(
      redact(
        "GET /x?auth=abc123&sig=zz&page=2 " +
          "https://api.telegram.org/bot123456789:AAEhBP0av28zdmFhxyz_abcdefg/sendMessage",
      ),
    ).toBe("GET /x?auth=***&sig=***&page=2 https://api.telegram.org/bot***/sendMessage");
  });
});

describe("redactJsonLine", () => {
  it("keeps a log line valid JSON, also for a secret that ends in a backslash followed by a quote", () => {
    const redact = createRedactor(["abc\\"]);
    for (const value of ['abc"def', "abc\\", 'x abc\\" y', "abc\\\\"]) {
      const line = `${JSON.stringify({ level: 30, msg: value, nested: JSON.stringify({ v: value }) })}\n`;
      const out = redactJsonLine(line, redact);
      expect(() => JSON.parse(out)).not.toThrow();
      expect(out.endsWith("\n")).toBe(true);
      expect(JSON.stringify(JSON.parse(out))).not.toContain(JSON.stringify("abc\\").slice(1, -1));
    }
  });
});
