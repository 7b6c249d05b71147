import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";
import { tmpDirEach } from "../helpers/tmp.js";

// What a person reads at a terminal: the built CLI, real files, 127.0.0.1 only.
const dir = tmpDirEach("wd-out-");

const env = () => ({ HOME: dir(), XDG_STATE_HOME: path.join(dir(), "xdg"), WATCHDOG_CONFIG: "" });

/** config writes a config with one failing tcp check whose summary is long, and a console channel. */
async function config(extra = ""): Promise<string> {
  const port = await freePort();
  const file = path.join(dir(), "wd.yaml");
  fs.writeFileSync(
    file,
    `state_file: ${dir()}/state/state.json
host: box
channels:
  out: {type: console}
escalation: [{after: 1, notify: [out]}]
checks:
  - name: a-service-with-a-long-name
    type: tcp
    host: 127.0.0.1
    port: ${port}
    runbook: "journalctl -u a-service-with-a-long-name -n 50 --no-pager; then restart it by hand"
${extra}`,
  );
  return file;
}

describe("watchdog check output", () => {
  it("fits 80 columns: a long summary folds under its column, nothing of it is lost", async () => {
    const file = await config();
    for (const args of [["check"], ["check", "--dry-run"]]) {
      const r = await runCli(["-c", file, ...args], { cwd: dir(), env: env() });
      expect(r.code).toBe(0);
      const table = r.stdout.slice(r.stdout.indexOf("CHECK"), r.stdout.indexOf("\n\n", r.stdout.indexOf("CHECK")));
      for (const line of table.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
      expect(table.replace(/\s+/g, " ")).toMatch(/refused the connection \(nothing listening\?\)/);
      expect(r.stdout).not.toContain("…");
      // The rendered message is indented; its blank lines carry no trailing spaces.
      for (const line of r.stdout.split("\n")) expect(line).not.toMatch(/ +$/);
    }
  });

  it("with no config file, says what it checks and how to write a config, within 80 columns", async () => {
    const r = await runCli(["check", "--state", path.join(dir(), "s.json")], { cwd: dir(), env: env() });
    expect(r.code).toBe(0);
    const head = r.stdout.slice(0, r.stdout.indexOf("CHECK"));
    expect(head).toContain("disk,\nmemory and load");
    expect(head).toContain("`watchdog init --channels email`");
    for (const line of r.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe("watchdog install names the config in use", () => {
  it(
    "the cron line and the units carry the config found by $WATCHDOG_CONFIG or ./watchdog.yaml, " + "and --state",
    async () => {
      const file = await config();
      const viaEnv = await runCli(["install", "--cron"], { cwd: dir(), env: { ...env(), WATCHDOG_CONFIG: file } });
      expect(viaEnv.code).toBe(0);
      expect(viaEnv.stdout).toMatch(
        new RegExp(
          `^\\*/2 \\* \\* \\* \\* \\S+ -- \\S+watchdog\\.cjs check --config ${file.replace(/[.]/g, "\\.")} >/dev/null$`,
          "m",
        ),
      );
      fs.copyFileSync(file, path.join(dir(), "watchdog.yaml"));
      const state = path.join(dir(), "my state", "state.json");
      const viaCwd = await runCli(["install", "--cron", "--state", state], { cwd: dir(), env: env() });
      expect(viaCwd.stdout).toContain(
        ` check --config ${path.join(dir(), "watchdog.yaml")} --state '${state}' >/dev/null\n`,
      );
      const units = path.join(dir(), "units");
      fs.mkdirSync(units);
      const sd = await runCli(["install", "--systemd", "--dest", units, "--no-enable", "--state", state], {
        cwd: dir(),
        env: env(),
      });
      expect(sd.code).toBe(0);
      expect(fs.readFileSync(path.join(units, "watchdog.service"), "utf8")).toContain(
        ` check --config ${path.join(dir(), "watchdog.yaml")} --state "${state}"\n`,
      );
      expect(fs.readFileSync(path.join(units, "watchdog.service.d", "watchdog-paths.conf"), "utf8")).toContain(
        `ReadWritePaths="${path.dirname(state)}"`,
      );
    },
  );

  it("with no config file anywhere, says which file the installed runs will read", async () => {
    const r = await runCli(["install", "--cron"], { cwd: dir(), env: env() });
    expect(r.code).toBe(0);
    // /etc/watchdog/watchdog.yaml is not there on a test machine; when it is, it is the config in use.
    if (fs.existsSync("/etc/watchdog/watchdog.yaml")) return;
    expect(r.stdout).toMatch(/ check >\/dev\/null$/m);
    expect(r.stderr).toContain("no config file found");
  });
});

describe("watchdog status", () => {
  it("says why a check fails, and what its row had to cut, in 80 columns", async () => {
    const file = await config(`  - name: other
    type: tcp
    host: 127.0.0.1
    port: 1
`);
    // Three channels told, so the TOLD column is cut; a silence and an ack, so NOTES is cut.
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, "utf8")
        .replace(
          "channels:\n  out: {type: console}\nescalation: [{after: 1, notify: [out]}]",
          "channels:\n  console-one: {type: console}\n  console-two: {type: console}\n" +
            "  console-three: {type: console}\n" +
            "escalation: [{after: 1, notify: [console-one, console-two, console-three]}]",
        ),
    );
    const cli = (...args: string[]) => runCli(["-c", file, ...args], { cwd: dir(), env: env() });
    expect((await cli("check")).code).toBe(0);
    expect((await cli("silence", "add", "a-service-*", "--for", "2h")).code).toBe(0);
    expect((await cli("ack", "a-service-with-a-long-name")).code).toBe(0);
    const r = await cli("status");
    expect(r.code).toBe(0);
    for (const line of r.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect(r.stdout).not.toMatch(/\dms ago/);
    expect(r.stdout).toMatch(/^ {2}a-service-with-a-long-name: 127\.0\.0\.1:\d+ refused the connection/m);
    expect(r.stdout).toMatch(/^ {4}notes: silenced 1h\S*; acked$/m);
    expect(r.stdout).toMatch(/^ {4}told: console-one, console-two, console-three$/m);
    expect(r.stdout).toMatch(/^ {2}other: 127\.0\.0\.1:1 refused the connection/m);
    // Times carry their zone.
    expect(r.stdout).toMatch(
      /^ {2}[0-9a-f]{8} {2}a-service-\* {2}1h 59m(?: \d+s)? left, until \d\d-\d\d \d\d:\d\d[+-]\d\d:\d\d$/m,
    );
  });
});

describe("watchdog silence list and ack", () => {
  it("show times with their zone, fit 80 columns, and --json has ISO times like status --json", async () => {
    const file = await config();
    const cli = (...args: string[]) => runCli(["-c", file, ...args], { cwd: dir(), env: env() });
    await cli("check");
    const reason = "upgrading the driver and then the CUDA toolkit, which takes a while on this box";
    expect((await cli("silence", "add", "a-*", "--for", "2h", "--reason", reason)).code).toBe(0);
    const list = await cli("silence", "list");
    for (const line of list.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect(list.stdout).toMatch(
      /^[0-9a-f]{8}\s+a-\*\s+1h 59m(?: \d+s)? left\s+\d\d-\d\d \d\d:\d\d[+-]\d\d:\d\d\s+upgrading/m,
    );
    expect(list.stdout.replace(/\s+/g, " ")).toContain(reason);
    const [j] = JSON.parse((await cli("silence", "list", "--json")).stdout);
    expect(j.endsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(j.checks).toEqual(["a-service-with-a-long-name"]);
    const ack = await cli("ack", "a-service-with-a-long-name");
    expect(ack.code).toBe(0);
    expect(ack.stdout.replace(/\s+/g, " ")).toMatch(
      new RegExp(
        String.raw`^acknowledged a-service-with-a-long-name \(incident since ` +
          String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d:\d\d, \d+s ago\) no further steps`,
      ),
    );
    for (const line of ack.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe("watchdog simulate", () => {
  it.each(["en", "zh-CN"])(
    "shows each message without its made-up id footer (locale %s), runs counted in words",
    async (locale) => {
      const file = await config();
      fs.writeFileSync(file, `locale: ${locale}\n${fs.readFileSync(file, "utf8")}`);
      const r = await runCli(
        ["-c", file, "simulate", "a-service-with-a-long-name", "--failures", "2", "--then-ok", "1"],
        { cwd: dir(), env: env() },
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("simulate a-service-with-a-long-name: 2 critical runs then 1 ok, one every 2m\n");
      expect(r.stdout).toContain("… 1 run with nothing to send");
      expect(r.stdout).not.toMatch(/watchdog (message|消息)|sim-\d+/);
      expect(r.stdout).toContain(locale === "zh-CN" ? "处理手册：journalctl" : "Runbook: journalctl");
      const j = JSON.parse(
        (
          await runCli(
            ["-c", file, "simulate", "a-service-with-a-long-name", "--failures", "2", "--then-ok", "1", "--json"],
            { cwd: dir(), env: env() },
          )
        ).stdout,
      );
      expect(j.timeline.map((e: { offsetMs: number }) => e.offsetMs)).toEqual([0, 120_000, 240_000]);
      expect(j.timeline[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    },
  );
});

/** receiver is an HTTP endpoint on 127.0.0.1 that keeps each body it gets and answers `status` with JSON `answer`. */
async function receiver(status: number, answer: string): Promise<{ port: number; bodies: string[]; close(): void }> {
  const bodies: string[] = [];
  const srv = http.createServer((req, res) => {
    let b = "";
    req.on("data", (c) => (b += c));
    req.on("end", () => {
      bodies.push(b);
      res.writeHead(status, { "content-type": "application/json" }).end(answer);
    });
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return { port: (srv.address() as AddressInfo).port, bodies, close: () => srv.close() };
}

describe("watchdog test-notify", () => {
  /** webhooksConfig writes a config with webhook channels to the receiver at port (/a, /b, ...), step 1 the first. */
  const webhooksConfig = (port: number, names: string[]) => {
    const file = path.join(dir(), "n.yaml");
    const channels = names.map((n, i) => `  ${n}: {type: webhook, url: "http://127.0.0.1:${port}/${"ab"[i]}"}\n`);
    fs.writeFileSync(
      file,
      `state_file: ${dir()}/s.json\nchannels:\n${channels.join("")}escalation: [{after: 1, notify: [${names[0]}]}]\n` +
        `checks: []\n`,
    );
    return file;
  };
  it("names the channels to pick from when a type is shared, and shows the receiver's answer", async () => {
    const srv = await receiver(200, '{"ok":true}');
    const bodies = srv.bodies;
    try {
      const file = webhooksConfig(srv.port, ["team", "ops"]);
      const amb = await runCli(["-c", file, "test-notify", "webhook"], { cwd: dir(), env: env() });
      expect(amb.code).toBe(64);
      expect(amb.stderr.trim()).toBe(
        "watchdog: 2 channels are of type webhook (team, ops): name one, e.g. watchdog test-notify team",
      );
      expect(bodies).toHaveLength(0);
      const ok = await runCli(["-c", file, "test-notify", "ops", "-m", "hello"], { cwd: dir(), env: env() });
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('provider answered: HTTP 200 {"ok":true}');
      expect(JSON.parse(bodies[0]!).text).toContain("hello");
    } finally {
      srv.close();
    }
  });

  it("says a refusal in words, with the receiver's answer once", async () => {
    const srv = await receiver(401, '{"error":"bad token"}');
    try {
      const file = webhooksConfig(srv.port, ["team"]);
      const r = await runCli(["-c", file, "test-notify", "team"], { cwd: dir(), env: env() });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^FAILED: 127\.0\.0\.1:\d+ answered HTTP 401: \{"error":"bad token"\}/);
      expect(r.stderr).toContain("(credentials refused: a retry will not help)");
      expect(r.stderr.match(/bad token/g)).toHaveLength(1);
    } finally {
      srv.close();
    }
  });
});

describe("the command line", () => {
  it.each([
    ["check", "--bogus"],
    ["bogus"],
    ["silence"],
    ["silence", "remove"],
    ["ack"],
    ["simulate", "x", "--failures"],
  ])("a bad command line (%s) exits 2 with the reason", async (...args) => {
    const r = await runCli(args, { cwd: dir(), env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: |Usage: watchdog/);
    expect(r.stdout).toBe("");
  });

  it("each command's --help lists the options every command takes", async () => {
    const r = await runCli(["check", "--help"], { cwd: dir(), env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/-c, --config <file>/);
    expect(r.stdout).toMatch(/--state <file>/);
    for (const line of r.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe("config.example.yaml", () => {
  it("shows every option of the schema that `watchdog schema` prints", async () => {
    const r = await runCli(["schema"], { cwd: dir(), env: env() });
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    const example = fs.readFileSync(path.resolve(__dirname, "../../config.example.yaml"), "utf8");
    const missing = new Set<string>();
    type Node = {
      $ref?: string;
      anyOf?: Node[];
      oneOf?: Node[];
      allOf?: Node[];
      items?: Node;
      properties?: Record<string, Node>;
      additionalProperties?: Node | boolean;
    };
    const seen = new Set<Node>();
    const walk = (node: Node | undefined, at: string): void => {
      if (!node || typeof node !== "object" || seen.has(node)) return;
      seen.add(node);
      if (node.$ref)
        return walk(
          node.$ref
            .replace(/^#\//, "")
            .split("/")
            .reduce((o, k) => o[k], schema),
          at,
        );
      for (const alt of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) walk(alt, at);
      walk(node.items, `${at}[]`);
      if (typeof node.additionalProperties === "object") walk(node.additionalProperties, `${at}.*`);
      for (const [key, sub] of Object.entries(node.properties ?? {})) {
        // Shown as `key:` in a value or a comment: `  key: v`, `# key: v`, `{key: v}`, `- key: v`.
        if (!new RegExp(`(^|[\\s{,#-])${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:`, "m").test(example))
          missing.add(`${at}.${key}`);
        walk(sub, `${at}.${key}`);
      }
    };
    walk(schema, "");
    expect([...missing]).toEqual([]);
  });
});

describe("status --json", () => {
  it("gives every time as an ISO string, the dropped messages' too", async () => {
    const srv = await receiver(403, '{"error":"bad token"}');
    try {
      const port = srv.port;
      const file = await config();
      fs.writeFileSync(
        file,
        fs
          .readFileSync(file, "utf8")
          .replace("out: {type: console}", `out: {type: webhook, url: "http://127.0.0.1:${port}/h"}`),
      );
      const cli = (...args: string[]) => runCli(["-c", file, ...args], { cwd: dir(), env: env() });
      expect((await cli("check")).code).toBe(0);
      const j = JSON.parse((await cli("status", "--json")).stdout);
      expect(j.dropped.total).toBe(1);
      const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
      expect(j.dropped.recent[0].droppedAt).toMatch(ISO);
      expect(j.dropped.recent[0].createdAt).toMatch(ISO);
      expect(j.dropped.recent[0].why).toContain("403");
      const text = (await cli("status")).stdout;
      expect(text).toMatch(/^ {2}dropped out \(a-service-with-a-long-name\) \d+s ago: permanent failure/m);
    } finally {
      srv.close();
    }
  });
});

describe("watchdog init", () => {
  it(
    "names the environment variables its channels read that are not set, " + "so the first validate is no surprise",
    async () => {
      const target = path.join(dir(), "watchdog.yaml");
      const r = await runCli(["init", "--full", "--path", target], {
        cwd: dir(),
        env: { ...env(), SMTP_PASS: "set", HOOK_TOKEN: "" },
      });
      expect(r.code).toBe(0);
      for (const line of r.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
      const said = r.stdout.replace(/\s+/g, " ");
      expect(said).toContain("not set here: ALIYUN_ACCESS_KEY_ID, ALIYUN_ACCESS_KEY_SECRET,");
      expect(said).toContain("HOOK_TOKEN.");
      expect(said).not.toContain("SMTP_PASS");
      // Not the ones with a default, nor those only named in comments.
      expect(said).not.toMatch(/VLLM_API_KEY|\bhost\b,/);
      expect(r.stdout).toMatch(/then run:\n {2}watchdog validate --config .*watchdog\.yaml\n$/);
    },
  );
});

describe("watchdog history", () => {
  it("says so when --check names no configured check, and keeps long causes whole within 80 columns", async () => {
    const file = await config();
    const cli = (...args: string[]) => runCli(["-c", file, ...args], { cwd: dir(), env: env() });
    const none = await cli("history", "--check", "nope");
    expect(none.code).toBe(0);
    expect(none.stdout.replace(/\s+/g, " ")).toContain(
      'no incidents (no check named "nope" is configured now; the checks are: a-service-with-a-long-name).',
    );
    for (const line of none.stdout.split("\n").slice(1)) expect(line.length).toBeLessThanOrEqual(80);
    // A log check whose pattern names a long cause: the CAUSE column folds instead of cutting it.
    const log = path.join(dir(), "svc.log");
    fs.writeFileSync(log, "");
    const cause = "the speaker table was not loaded because the model directory is missing its config";
    fs.appendFileSync(
      file,
      `  - name: svc-log\n    type: log\n    path: ${log}\n    causes: none\n` +
        `    patterns: [{regex: "speaker .* not found", cause: "${cause}"}]\n`,
    );
    await cli("check");
    fs.appendFileSync(log, "error: speaker abc not found\n");
    await cli("check");
    const h = await cli("history", "--check", "svc-log");
    expect(h.code).toBe(0);
    for (const line of h.stdout.split("\n").slice(1)) expect(line.length).toBeLessThanOrEqual(80);
    expect(h.stdout).not.toContain("…");
    expect(h.stdout.replace(/\s+/g, " ")).toContain(cause);
  });
});

describe("watchdog check with no channel", () => {
  it("says that nobody is told when a check fails and no channel is configured", async () => {
    const port = await freePort();
    const file = path.join(dir(), "nc.yaml");
    fs.writeFileSync(
      file,
      `state_file: ${dir()}/s.json\nchecks:\n  - {name: api, type: tcp, host: 127.0.0.1, port: ${port}}\n`,
    );
    const r = await runCli(["-c", file, "check", "--dry-run"], { cwd: dir(), env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("note: no channels are configured, so nobody is told");
    const json = await runCli(["-c", file, "check", "--dry-run", "--json"], { cwd: dir(), env: env() });
    expect(() => JSON.parse(json.stdout)).not.toThrow();
  });
});

describe("watchdog validate", () => {
  it("with no config file, says that it validated the embedded default, not a file of yours", async () => {
    const r = await runCli(["validate"], { cwd: dir(), env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^config OK: .*\(<embedded default>\)\n$/);
    if (!fs.existsSync("/etc/watchdog/watchdog.yaml")) expect(r.stderr).toContain("note: no config file found");
    for (const line of r.stderr.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe("watchdog install flags", () => {
  it.each([
    ["--cron", "--daemon"],
    ["--cron", "--no-enable"],
    ["--systemd", "--write"],
  ])("refuses %s %s (a flag of the other way) with exit 2", async (...args) => {
    const r = await runCli(["install", ...args, "--dest", dir()], { cwd: dir(), env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^watchdog: --\S+ goes with --(cron|systemd)/);
    expect(fs.readdirSync(dir())).toEqual([]);
  });
});

describe("watchdog check with a console channel", () => {
  it("prints the heading first, then what the console channel said, then the table", async () => {
    const file = await config();
    const r = await runCli(["-c", file, "check"], { cwd: dir(), env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        String.raw`^watchdog check on box\n--- \[watchdog\] CRITICAL a-service-with-a-long-name on box\n` +
          String.raw`[\s\S]*\n\nCHECK +STATUS[\s\S]*\nsent to out: a-service-with-a-long-name\n$`,
      ),
    );
    expect(r.stdout.match(/^watchdog check on/gm)).toHaveLength(1);
  });
});
