import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadedModules } from "./loaded-modules.js";

// zod and yaml are files of their own in the build (dist/lazy/), required on first use: a run that validates no
// config and no state must not read them (issue 11). `validate` does, which shows the list can tell.
const ZOD = "./lazy/zod.cjs";
const YAML = "./lazy/yaml.cjs";

describe("what a run loads", () => {
  let dir: string;
  let config: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "wd-lazy-load-"));
    config = path.join(dir, "watchdog.yaml");
    writeFileSync(
      config,
      [
        `state_file: ${path.join(dir, "state.json")}`,
        "channels:",
        "  console: { type: console }",
        "escalation: [{ after: 1, notify: [console] }]",
        "checks:",
        "  - { name: t, type: tcp, host: 127.0.0.1, port: 1 }",
        "",
      ].join("\n"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([[["--version"]], [["help"]], [["check", "--help"]]])("%j loads neither zod nor yaml", async (args) => {
    const run = await loadedModules(args);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toBe("");
    expect(run.modules).not.toContain(ZOD);
    expect(run.modules).not.toContain(YAML);
  });

  // A config that cannot be read: each command's modules are imported (the probes, channels, config and state
  // schemas among them), and nothing is validated. What loads zod here is a module that builds a schema as it loads.
  const commands = [["check"], ["validate"], ["status"], ["daemon"], ["history"], ["ack", "t"], ["simulate", "t"]];
  it.each([...commands, ["test-notify", "console"]])(
    "%s with an unreadable config imports its modules and loads neither",
    async (...args) => {
      const run = await loadedModules([...args, "--config", path.join(dir, "missing.yaml")]);
      expect(run.stderr).toContain("cannot read the config");
      expect(run.code).toBe(78);
      expect(run.modules).not.toContain(ZOD);
      expect(run.modules).not.toContain(YAML);
    },
  );

  it("validate loads both, once", async () => {
    const run = await loadedModules(["validate", "--config", config]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.modules.filter((m) => m === ZOD)).toEqual([ZOD]);
    expect(run.modules.filter((m) => m === YAML)).toEqual([YAML]);
  });

  // The point of it all: cron's second run of an unchanged config takes the validated config from the cache
  // (src/config/cache.ts) and the state it wrote by its seal (src/state/seal.ts), and validates nothing. An
  // Alertmanager channel's keep-alive reads its memory only when an incident is open.
  it("a healthy check run after the first loads neither, with the cache and the seal", async () => {
    const server = net.createServer((s) => s.end());
    const port = await new Promise<number>((r) =>
      server.listen(0, "127.0.0.1", () => r((server.address() as net.AddressInfo).port)),
    );
    try {
      const healthy = path.join(dir, "healthy.yaml");
      writeFileSync(
        healthy,
        [
          `state_file: ${path.join(dir, "healthy-state.json")}`,
          "channels:",
          "  am: { type: alertmanager, urls: ['http://127.0.0.1:9/'] }",
          "  mail: { type: email, host: 127.0.0.1, port: 9, pass: '${MAIL_PASS}', from: a@b.c, to: [c@d.e] }",
          "escalation: [{ after: 1, notify: [am, mail] }]",
          "checks:",
          `  - { name: up, type: tcp, host: 127.0.0.1, port: ${port} }`,
          "",
        ].join("\n"),
        { mode: 0o600 },
      );
      const env = { XDG_CACHE_HOME: path.join(dir, "cache"), MAIL_PASS: "a-mail-pass-1" };
      const first = await loadedModules(["check", "--config", healthy], { env });
      expect(first.code).toBe(0);
      expect(first.modules).toContain(ZOD);
      for (let i = 0; i < 2; i++) {
        const run = await loadedModules(["check", "--config", healthy], { env });
        expect(run.code).toBe(0);
        expect(run.stderr).toBe("");
        expect(run.stdout).toMatch(/up\s+OK/);
        expect(run.modules).not.toContain(ZOD);
        expect(run.modules).not.toContain(YAML);
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
