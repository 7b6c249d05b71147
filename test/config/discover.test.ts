import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EMBEDDED_SOURCE } from "../../src/config/default.js";
import { defaultStateFile, findConfigFile, loadConfig } from "../../src/config/discover.js";
import { tmpDirEach } from "../helpers/tmp.js";

const dir = tmpDirEach("wd-disc-");

describe("config discovery", () => {
  it("prefers --config, then $WATCHDOG_CONFIG, then ./watchdog.yaml", () => {
    fs.writeFileSync(path.join(dir(), "watchdog.yaml"), "checks: []\n");
    const inputs = (env: Record<string, string>) => ({ env, cwd: dir(), hostname: "h" });
    expect(findConfigFile({ config: "/x/a.yaml" }, inputs({ WATCHDOG_CONFIG: "/x/b.yaml" }))).toBe("/x/a.yaml");
    expect(findConfigFile({}, inputs({ WATCHDOG_CONFIG: "/x/b.yaml" }))).toBe("/x/b.yaml");
    expect(findConfigFile({}, inputs({}))).toBe(path.join(dir(), "watchdog.yaml"));
  });

  it("falls back to the embedded default, which validates and checks this host", () => {
    const empty = fs.mkdtempSync(path.join(dir(), "empty-"));
    const found = findConfigFile({}, { env: {}, cwd: empty, hostname: "h" });
    if (found === "/etc/watchdog/watchdog.yaml") return; // this machine has a system config; nothing to fall back to
    const { config } = loadConfig({}, { env: { HOME: dir() }, cwd: empty, hostname: "h" });
    expect(config.source).toBe(EMBEDDED_SOURCE);
    expect(config.checks.map((c) => `${c.name}:${c.type}`)).toContain("host:system");
    expect(config.escalation[0]!.notify).toEqual(["console"]);
  });

  it("--state overrides state_file and moves the default log beside it", () => {
    const file = path.join(dir(), "w.yaml");
    fs.writeFileSync(file, "state_file: /var/lib/x/state.json\nchecks: []\n");
    const { config } = loadConfig(
      { config: file, state: path.join(dir(), "s.json") },
      { env: {}, cwd: dir(), hostname: "h" },
    );
    expect(config.state_file).toBe(path.join(dir(), "s.json"));
  });

  it("a config file without state_file keeps the state where the embedded default would", () => {
    const file = path.join(dir(), "w.yaml");
    fs.writeFileSync(file, "checks: []\n");
    const env = { HOME: dir(), XDG_STATE_HOME: path.join(dir(), "xdg") };
    expect(loadConfig({ config: file }, { env, cwd: dir(), hostname: "h" }).config.state_file).toBe(
      defaultStateFile(env),
    );
  });

  it("puts a non-root user's state under XDG_STATE_HOME when /var/lib/watchdog is not writable", () => {
    const f = defaultStateFile({ XDG_STATE_HOME: "/home/u/.local/state" });
    expect([path.join("/var/lib/watchdog", "state.json"), "/home/u/.local/state/watchdog/state.json"]).toContain(f);
  });

  it("warns when inline secrets sit in a file others can read", () => {
    const file = path.join(dir(), "w.yaml");
    fs.writeFileSync(
      file,
      "channels:\n  m: {type: email, host: h, from: a@b.c, to: x@y.z, user: u, pass: inline-secret}\n",
    );
    fs.chmodSync(file, 0o644);
    expect(loadConfig({ config: file }, { env: {}, cwd: dir(), hostname: "h" }).warnings.join("\n")).toMatch(
      /holds secrets inline and is readable by group\/others/,
    );
    fs.chmodSync(file, 0o600);
    expect(loadConfig({ config: file }, { env: {}, cwd: dir(), hostname: "h" }).warnings.join("\n")).not.toMatch(
      /inline/,
    );
    fs.writeFileSync(file, 'channels:\n  m: {type: email, host: h, from: a@b.c, to: x@y.z, user: u, pass: "${P}"}\n');
    fs.chmodSync(file, 0o644);
    expect(
      loadConfig({ config: file }, { env: { P: "from-env-1" }, cwd: dir(), hostname: "h" }).warnings.join("\n"),
    ).not.toMatch(/inline/);
  });
});
