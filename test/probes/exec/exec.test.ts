import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execConfigSchema, execProbe, parsePerfdata, parsePluginOutput } from "../../../src/probes/exec/index.js";
import { ctx } from "../ctx.js";

const PLUGINS = "/usr/lib/nagios/plugins";
const hasPlugin = (name: string) => fs.existsSync(path.join(PLUGINS, name));
const NO_PLUGINS = "monitoring-plugins-basic is not installed (apt-get install monitoring-plugins-basic)";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-exec-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (over: Record<string, unknown>) => execProbe.run(execConfigSchema.parse({ type: "exec", ...over }), ctx());
function script(name: string, body: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return p;
}

describe("parsePerfdata (Nagios plugin guidelines)", () => {
  it.each([
    ["'/var'=91%;80;90;0;100", { "/var": 91 }],
    ["/=23727177728B;216442024755;243497277849;0;270552530944", { "/": 23727177728 }],
    ["time=0.000123s;;;0.000000;10.000000 size=12B", { time: 0.000123, size: 12 }],
    ["'label with space'=5 'it''s'=-1.5c", { "label with space": 5, "it's": -1.5 }],
    ["load1=0.420;2.000;4.000;0; broken noequals=", { load1: 0.42 }],
    ["", {}],
  ])("%s", (text, want) => expect(parsePerfdata(text)).toEqual(want));
});

describe("parsePluginOutput", () => {
  it("splits summary, long output and perfdata from the first line and the long text", () => {
    const out = parsePluginOutput(
      "DISK WARNING - /var 91% used | '/var'=91%;80;90;0;100\nline two\nline three | 'x'=1\n'y'=2\n",
    );
    expect(out).toEqual({
      summary: "DISK WARNING - /var 91% used",
      detail: "line two\nline three",
      metrics: { "/var": 91, x: 1, y: 2 },
    });
  });
});

describe("exec probe with scripts of our own", () => {
  it.each([
    [0, "ok"],
    [1, "warning"],
    [2, "critical"],
    [3, "unknown"],
    [4, "unknown"],
    [127, "unknown"],
  ])("exit %i → %s", async (code, status) => {
    const out = await run({ command: [script(`exit${code}`, `echo "SVC STATUS: text | t=1ms;5;10"; exit ${code}`)] });
    expect(out.status).toBe(status);
    expect(out.summary).toMatch(/SVC STATUS: text$/);
    expect(out.metrics).toMatchObject({ t: 1, exit_code: code });
  });

  it("a command that does not exist is unknown: command not found", async () => {
    const out = await run({ command: ["/nonexistent/check_thing", "-w", "1"] });
    expect(out.status).toBe("unknown");
    expect(out.summary).toBe("/nonexistent/check_thing: command not found");
  });

  it("a hanging command is killed at the timeout, with its children", async () => {
    const out = await run({ command: [script("hang", "sleep 60 & wait")], timeout: "300ms" });
    expect(out.status).toBe("unknown");
    expect(out.summary).toMatch(/did not finish within 300ms \(killed\)$/);
  });

  it("a 100 MB flood is capped, and the first line still becomes the summary", async () => {
    const out = await run({
      command: [
        script("flood", "echo 'FLOOD OK - first line | n=1'; head -c 100000000 /dev/zero | tr '\\0' 'x'; exit 0"),
      ],
      timeout: "60s",
    });
    expect(out.status).toBe("ok");
    expect(out.summary).toBe("FLOOD OK - first line");
    expect(out.detail!.length).toBeLessThanOrEqual(4000);
    expect(out.detail).toMatch(/output cut: \d+ more bytes dropped/);
  }, 60_000);

  it("shell: true runs the string through /bin/sh; argv by default does not", async () => {
    expect((await run({ command: "echo OK $((1+1)) | cat", shell: true })).summary).toBe("OK 2");
    expect((await run({ command: "echo OK $((1+1))" })).summary).toBe("OK $((1+1))");
  });

  it("a plugin that prints nothing on stdout falls back to stderr", async () => {
    const out = await run({ command: [script("stderr", "echo 'oops on stderr' >&2; exit 2")] });
    expect(out).toMatchObject({ status: "critical", summary: "oops on stderr" });
  });
});

describe("exec probe with the real Debian monitoring plugins", () => {
  let server: net.Server;
  let port = 0;
  beforeAll(async () => {
    server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.skipIf(!hasPlugin("check_tcp"))(
    `check_tcp: ok on a listening port, critical on a closed one` +
      `${hasPlugin("check_tcp") ? "" : ` (skipped: ${NO_PLUGINS})`}`,
    async () => {
      const ok = await run({ command: [path.join(PLUGINS, "check_tcp"), "-H", "127.0.0.1", "-p", String(port)] });
      expect(ok.status).toBe("ok");
      expect(ok.summary).toMatch(/^TCP OK/);
      expect(ok.metrics).toHaveProperty("time");
      const closed = await run({ command: [path.join(PLUGINS, "check_tcp"), "-H", "127.0.0.1", "-p", "1"] });
      expect(closed.status).toBe("critical");
      expect(closed.summary).toContain("Connection refused");
    },
  );

  it.skipIf(!hasPlugin("check_disk"))(
    `check_disk: thresholds map to statuses, perfdata to metrics` +
      `${hasPlugin("check_disk") ? "" : ` (skipped: ${NO_PLUGINS})`}`,
    async () => {
      const ok = await run({ command: [path.join(PLUGINS, "check_disk"), "-w", "0%", "-c", "0%", "-p", "/"] });
      expect(ok.status).toBe("ok");
      expect(ok.summary).toMatch(/^DISK OK/);
      expect(ok.metrics!["/"]).toBeGreaterThan(0);
      const crit = await run({ command: [path.join(PLUGINS, "check_disk"), "-w", "100%", "-c", "100%", "-p", "/"] });
      expect(crit.status).toBe("critical");
    },
  );

  it.skipIf(!hasPlugin("check_dummy"))(
    `check_dummy: each state and its text${hasPlugin("check_dummy") ? "" : ` (skipped: ${NO_PLUGINS})`}`,
    async () => {
      for (const [code, status] of [
        ["0", "ok"],
        ["1", "warning"],
        ["2", "critical"],
        ["3", "unknown"],
      ] as const) {
        const out = await run({ command: [path.join(PLUGINS, "check_dummy"), code, "from check_dummy"] });
        expect(out.status).toBe(status);
        expect(out.summary).toMatch(/from check_dummy$/);
      }
    },
  );
});
