import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { shortStarter } from "../../../src/cli/starter.js";
import { parseConfig } from "../../../src/config/load.js";
import { channelTypes, type ChannelEntry } from "../../../src/notify/registry.js";
import { createRedactor } from "../../../src/notify/redact.js";

// Every registered channel type has the parts of its folder: adding one is one folder and one registry line, and
// init, test-notify, ladder aliases and secret masking read it from there.
const entries = Object.entries(channelTypes as Record<string, ChannelEntry>);
const root = new URL("../../../", import.meta.url);

/** parse reads a starter config with each ${VAR} set to a value that names it. */
function parse(yaml: string) {
  const env = Object.fromEntries(
    [...yaml.matchAll(/\$\{(\w+)\}/g)].map((m) => [
      m[1]!,
      m[1]!.endsWith("URL") ? "http://127.0.0.1:9/hook" : `value-of-${m[1]!}`,
    ]),
  );
  return parseConfig(yaml, { file: "w.yaml", env, hostname: "box", readFile: () => "file-secret" });
}

describe("channel folders", () => {
  it.each(entries)("%s has its folder, and a doc page that names its aliases", (type, e) => {
    expect(fs.existsSync(new URL(`src/notify/channels/${type}/index.ts`, root))).toBe(true);
    const page = fs.readFileSync(new URL(`docs/channels/${type}.md`, root), "utf8");
    for (const alias of e.aliases ?? []) expect(page).toContain(`\`${alias}\``);
  });

  it("no word names two types: type names, starter names and aliases", () => {
    const owner = new Map<string, string>();
    for (const [type, e] of entries) {
      for (const word of new Set([type, e.starter?.name ?? type, ...(e.aliases ?? [])])) {
        expect(owner.get(word), `${word} names ${owner.get(word)} and ${type}`).toBeUndefined();
        owner.set(word, type);
      }
    }
  });

  it.each(entries.filter(([, e]) => e.starter).map(([type, e]) => [type, e.starter!.name]))(
    "%s: its starter block validates as a channel of its type",
    (type, name) => {
      const { config } = parse(shortStarter([name], false));
      expect(config.channels[name]?.type).toBe(type);
    },
  );

  it.each(entries.flatMap(([type, e]) => (e.secrets ?? []).map((key) => [type, key] as const)))(
    "%s: %s is a secret, masked by the redactor",
    (type, key) => {
      const name = `my-${type}`;
      const starter = channelTypes[type as keyof typeof channelTypes].starter?.yaml ?? `  x:\n    type: ${type}\n`;
      // The type's starter block under another name, with the secret key set (the starter may leave it out).
      const block = starter.replace(/^ {2}[\w-]+:/, `  ${name}:`).replace(new RegExp(`^ {4}${key}:.*\\n`, "m"), "");
      const yaml = shortStarter([], false)
        .replace("channels:\n", `channels:\n${block}    ${key}: \${SECRET_OF_${key}}\n`)
        .replace(/notify: \[\]/g, `notify: [${name}]`);
      const loaded = parse(yaml);
      const value = `value-of-SECRET_OF_${key}`;
      expect(loaded.secrets).toContain(value);
      expect(createRedactor(loaded.secrets)(`sent with ${value} in it`)).toBe("sent with *** in it");
    },
  );
});
