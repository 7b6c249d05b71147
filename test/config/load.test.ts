import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { configErrorsOf } from "../helpers/config.js";

const opts = (env: Record<string, string> = {}) => ({
  file: "w.yaml",
  env,
  hostname: "box",
  readFile: (p: string) => {
    if (p === "/secrets/smtp") return "s3cret-pass\n";
    throw Object.assign(new Error("no"), { code: "ENOENT" });
  },
});

const errorsOf = (text: string, env: Record<string, string> = {}) => configErrorsOf(text, opts(env));

const GOOD = `
host: gpu-box-01
locale: zh-CN
state_file: /tmp/x/state.json
channels:
  email:
    type: email
    host: smtp.example.com
    port: 465
    secure: true
    user: alert@example.com
    pass: \${SMTP_PASS}
    from: "watchdog <alert@example.com>"
    to: [admin@example.com]
  ops-console:
    type: console
escalation:
  - after: 1
    notify: [email]
  - after: 3
    notify: [email]
    restart: true
repeat_every: 30m
recover_after: 1
checks:
  - name: cosyvoice-port
    type: tcp
    host: 127.0.0.1
    port: 7860
    timeout: 5s
    runbook: "journalctl -u cosyvoice -n 50"
    restart:
      command: [systemctl, restart, cosyvoice]
      timeout: 60s
      verify_after: 15s
      limit: {max: 2, within: 30m}
  - name: cosyvoice-health
    type: http
    url: http://127.0.0.1:7860/health
    expect: {status: 200, json: {status: ok, model_loaded: true}, max_latency: 5s}
  - name: host
    type: system
    disk: {paths: ["/"], warning: 85, critical: 95}
    memory: {warning: 90, critical: 97}
`;

describe("parseConfig", () => {
  it("accepts the issue's config contract and resolves durations, defaults and secrets", () => {
    const { config, secrets, warnings } = parseConfig(GOOD, opts({ SMTP_PASS: "hunter2-pass" }));
    expect(config.host).toBe("gpu-box-01");
    expect(config.checks).toHaveLength(3);
    const port = config.checks[0]!;
    expect(port.type).toBe("tcp");
    expect(port.type === "tcp" && port.timeout).toBe(5000);
    expect(port.restart?.limit).toEqual({ max: 2, within: 1_800_000 });
    expect(port.escalation.map((s) => s.after)).toEqual([1, 3]);
    expect(config.repeat_every).toBe(1_800_000);
    expect(config.channels.email!.pass).toBe("hunter2-pass");
    expect(secrets).toContain("hunter2-pass");
    expect(warnings).toEqual([]);
  });

  it("reports an unset variable with its name and position", () => {
    const errs = errorsOf(GOOD);
    expect(errs).toEqual([
      expect.stringMatching(/^w\.yaml:12:11: channels\.email\.pass: environment variable SMTP_PASS is not set/),
    ]);
  });

  it("uses ${VAR:-default} and keeps numbers numeric", () => {
    const { config } = parseConfig("checks:\n  - name: p\n    type: tcp\n    port: ${PORT:-7860}\n", opts());
    const check = config.checks[0]!;
    expect(check.type === "tcp" && check.port).toBe(7860);
  });

  it("reports every error with FILE:LINE:COL and the key path, sorted by line", () => {
    const errs = errorsOf(`checks:
  - name: a
    type: tcp
    port: "x"
    timout: 5s
  - name: b
    type: htp
    url: http://x
repeat_every: soon
`);
    expect(errs).toEqual([
      "w.yaml:4:11: checks[0].port: Invalid input: expected number, received string",
      'w.yaml:5:5: checks[0].timout: unknown key (did you mean "timeout"?)',
      expect.stringMatching(
        new RegExp(
          String.raw`^w\.yaml:7:11: checks\[1\]\.type: unknown type "htp" \(did you mean "http"\?\); ` +
            String.raw`expected one of: tcp, http, system`,
        ),
      ),
      expect.stringMatching(/^w\.yaml:9:15: repeat_every: invalid duration "soon"/),
    ]);
  });

  it("points YAML syntax errors at their own line, and stops a cascade after a few", () => {
    expect(errorsOf("a: 1\nb:\n\t- x\n")[0]).toMatch(/^w\.yaml:3:1: YAML: /);
    const many = errorsOf("checks:\n" + "  - {name: a, type: tcp, port: 1\n".repeat(20));
    expect(many.length).toBeLessThanOrEqual(6);
    expect(many[many.length - 1]).toMatch(/^w\.yaml:\d+:\d+: \(top level\): \d+ more YAML errors? from here on/);
  });

  it("points a missing key at the list item that lacks it", () => {
    const errs = errorsOf("checks:\n  - name: a\n    type: tcp\n    port: 1\n  - type: tcp\n    port: 2\n");
    expect(errs).toEqual(["w.yaml:5:5: checks[1].name: required (string)"]);
  });

  it("names the key of an unset variable in a list", () => {
    expect(errorsOf('checks:\n  - name: a\n    type: tcp\n    port: 1\n    depends_on: ["${NOPE_DEP}"]\n')[0]).toMatch(
      /^w\.yaml:5:18: checks\[0\]\.depends_on\[0\]: environment variable NOPE_DEP is not set/,
    );
  });

  it("suggests keys inside optional and defaulted parts of a channel, and the types a channel may have", () => {
    const errs = errorsOf(
      'channels:\n  c:\n    type: console\n    quiet_hours: {form: "01:00", to: "07:00"}\n  d:\n    typ: console\n',
    );
    expect(errs).toEqual([
      "w.yaml:4:5: channels.c.quiet_hours.from: required (string)",
      'w.yaml:4:19: channels.c.quiet_hours.form: unknown key (did you mean "from"?)',
      expect.stringMatching(/^w\.yaml:5:3: channels\.d\.type: missing "type" \(one of: email, console, aliyun-sms, /),
    ]);
  });

  it("rejects unknown top-level keys with a hint", () => {
    expect(errorsOf("chekcs: []\n")).toEqual(['w.yaml:1:1: chekcs: unknown key (did you mean "checks"?)']);
  });

  it("reports YAML syntax errors, empty files and non-mappings", () => {
    expect(errorsOf("checks: [\n")[0]).toMatch(/^w\.yaml:\d+:\d+: YAML: /);
    expect(errorsOf("")).toEqual([expect.stringMatching(/^w\.yaml:1:1: .*empty/)]);
    expect(errorsOf("- a\n- b\n")[0]).toMatch(/^w\.yaml:1:1: \(top level\): expected a mapping/);
  });

  it("reads *_file secrets and reports unreadable ones", () => {
    const ok = parseConfig(
      "channels:\n  m: {type: email, host: h, from: a@b.c, to: x@y.z, user: u, pass_file: /secrets/smtp}\n",
      opts(),
    );
    expect(ok.config.channels.m!.pass).toBe("s3cret-pass");
    expect(ok.secrets).toContain("s3cret-pass");
    expect(errorsOf("channels:\n  m: {type: email, host: h, from: a@b.c, to: x@y.z, pass_file: /nope}\n")[0]).toMatch(
      /^w\.yaml:2:\d+: channels\.m\.pass_file: cannot read \/nope: ENOENT/,
    );
  });

  it("names duplicate checks, unknown dependencies and dependency cycles", () => {
    const errs = errorsOf(`checks:
  - {name: a, type: tcp, port: 1, depends_on: [b]}
  - {name: b, type: tcp, port: 2, depends_on: [a]}
  - {name: c, type: tcp, port: 3, depends_on: [zz]}
  - {name: c, type: tcp, port: 4}
`);
    expect(errs.join("\n")).toMatch(/checks\[3\]\.name: duplicate check name "c" \(also checks\[2\]\)/);
    expect(errs.join("\n")).toMatch(/w\.yaml:4:48: checks\[2\]\.depends_on\[0\]: unknown check "zz"/);
    expect(errs.join("\n")).toMatch(/dependency cycle: a -> b -> a/);
  });

  it(
    "fills the default ladder's missing channels with the configured ones; " + "an explicit unknown one is an error",
    () => {
      const { config, warnings } = parseConfig(
        "channels:\n  mail: {type: email, host: h, from: a@b.c, to: x@y.z}\nchecks: []\n",
        opts(),
      );
      expect(config.escalation.map((s) => s.notify)).toEqual([["mail"], ["mail"]]);
      expect(warnings).toEqual([]);
      expect(
        errorsOf(
          "channels:\n  mail: {type: email, host: h, from: a@b.c, to: x@y.z}\nescalation:\n  - after: 1\n" +
            "    notify: [mail, pager]\n",
        ),
      ).toEqual([
        'w.yaml:5:20: escalation[0].notify[1]: unknown channel "pager" (configured: mail): alerts for it would be lost',
      ]);
    },
  );

  it("stops YAML alias bombs", () => {
    const bomb =
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n' +
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n";
    expect(errorsOf(bomb)[0]).toMatch(/^w\.yaml:1:1: /);
  });
});
