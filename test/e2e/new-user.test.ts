import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, tmpDir } from "./field-helpers.js";

// What a new user meets first, through the built CLI with a clean environment (no secrets set).
let dir: string;
beforeAll(() => {
  dir = tmpDir();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

const config = (sub: string, channelExtra = "") => `state_file: ${path.join(dir, sub, "state.json")}
channels:
  email:
    type: email
    host: 127.0.0.1
    port: 2525
    user: alert
    pass: \${SMTP_PASS}
    from: watchdog@example.com
${channelExtra || "    to: [oncall@example.com]\n"}checks:
  - name: tts
    type: tcp
    host: 127.0.0.1
    port: 1
`;

describe("a new user's first steps", () => {
  it("check --dry-run runs without the channels' secrets, since it sends nothing", async () => {
    const file = write("dry/watchdog.yaml", config("dry"));
    const r = await cli(["check", "--dry-run", "-c", file]);
    expect(r.stderr).not.toContain("SMTP_PASS");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("would send to email");
    // Nothing written: a dry run takes no lock and keeps no state.
    expect(fs.existsSync(path.join(dir, "dry", "state.json"))).toBe(false);
  });

  it("test-notify with a typo'd channel says which one was meant", async () => {
    const file = write("typo/watchdog.yaml", config("typo"));
    const r = await cli(["test-notify", "emial", "-c", file], { SMTP_PASS: "x" });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('no channel "emial"');
    expect(r.stderr).toContain('did you mean "email"?');
  });

  it("init writes the schema file its first line names", async () => {
    const sub = path.join(dir, "init");
    fs.mkdirSync(sub);
    const r = await cli(["init", "--path", path.join(sub, "watchdog.yaml")]);
    expect(r.code).toBe(0);
    const text = fs.readFileSync(path.join(sub, "watchdog.yaml"), "utf8");
    const named = /^# yaml-language-server: \$schema=(\S+)/m.exec(text)?.[1];
    expect(named).toBeDefined();
    const schemaFile = path.resolve(sub, named!);
    expect(fs.existsSync(schemaFile)).toBe(true);
    const schema = (await cli(["schema"])).stdout;
    expect(fs.readFileSync(schemaFile, "utf8")).toBe(schema);
    expect(r.stdout).toContain(schemaFile);
    // An existing schema file is left alone without --force (init never overwrites without it).
    fs.writeFileSync(schemaFile, "{}\n");
    fs.rmSync(path.join(sub, "watchdog.yaml"));
    expect((await cli(["init", "--path", path.join(sub, "watchdog.yaml")])).code).toBe(0);
    expect(fs.readFileSync(schemaFile, "utf8")).toBe("{}\n");
  });

  it("init -c FILE writes FILE, the file every other command reads with -c", async () => {
    const sub = path.join(dir, "init-c");
    fs.mkdirSync(sub);
    const file = path.join(sub, "box.yaml");
    const r = await cli(["init", "-c", file, "--recipe", "vllm"], {}, sub);
    expect(r.code).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.existsSync(path.join(sub, "watchdog.yaml"))).toBe(false);
    expect(r.stdout).toContain(`watchdog validate --config ${file}`);
    // --path still wins when both are given.
    const other = path.join(sub, "other.yaml");
    expect((await cli(["init", "-c", file, "--path", other], {}, sub)).code).toBe(0);
    expect(fs.existsSync(other)).toBe(true);
  });

  it.each([
    ["a list left empty by its indent", "    to:\n    oncall: x\n", /channels\.email\.to: .*(list|string)/],
    [
      "a list under the wrong key",
      "  to: [oncall@example.com]\n",
      /channels\.email\.to: required[^]*channels\.to: expected a mapping; "to" is a key of channels\.email: indent it/,
    ],
  ])("a mis-indented list says what was expected: %s", async (_, extra, expected) => {
    const file = write(`indent${extra.length}/watchdog.yaml`, config("indent", extra));
    const r = await cli(["validate", "-c", file], { SMTP_PASS: "x" });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr).not.toMatch(/channels\.email\.to: Invalid input\s*$/m);
  });
});
