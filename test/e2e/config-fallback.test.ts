import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { CLI, cli, emailChannel, listen, runAsCron, useField, writePrivate } from "./field-helpers.js";

// A config edit with a mistake must not stop the watching: cron's `check` keeps the last config that validated and
// tells a person once (channels), every run on stderr (cron mail), in `status` and on the status page.
const field = useField();

const ENV = { SMTP_PASS: "right-pass" };

function configText(sub: string, port: number, restart: string, extra = ""): string {
  const base = path.join(field.dir, sub);
  return `state_file: ${base}/state/state.json
status_page: {path: ${base}/page.html}
channels:
${emailChannel(field.smtp.port)}checks:
  - name: tts
    type: tcp
    host: 127.0.0.1
    port: ${port}
    restart: ${restart}
${extra}`;
}

const write = (sub: string, text: string) => writePrivate(path.join(field.dir, sub, "watchdog.yaml"), text);

const check = (config: string) => runAsCron(`node ${CLI} check -c ${config} >/dev/null`, ENV);
const mailsAbout = (word: string) => field.smtp.mails.filter((m) => `${m.subject}\n${m.text}`.includes(word));

describe("a config edit with a mistake under cron", () => {
  let server: net.Server;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    server = await listen(port);
  });
  afterAll(() => server.close());

  it("keeps watching with the last config that validated and tells a person once", async () => {
    const config = write("typo", configText("typo", port, "{command: [/bin/true], verify_after: 0s}"));
    const good = await check(config);
    expect(good).toMatchObject({ code: 0, mail: "" });
    const copy = path.join(field.dir, "typo/state/state.json.config-good.yaml");
    expect(fs.statSync(copy).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(copy, "utf8")).toBe(fs.readFileSync(config, "utf8"));

    // The typo: `comand`.
    write("typo", configText("typo", port, "{comand: [/bin/true], verify_after: 0s}"));
    const before = field.smtp.mails.length;
    const first = await check(config);
    expect(first.code).toBe(0);
    expect(first.mail).toMatch(
      new RegExp(
        `config invalid at ${config}:\\d+:\\d+: .*comand.*; still watching with the config that validated at `,
      ),
    );
    expect(mailsAbout("config invalid")).toHaveLength(1);
    const told = mailsAbout("config invalid")[0]!;
    expect(told.text).toContain("still watching with the config that validated at");
    // A broken config is no failing check: no "failing 1 run in a row" line.
    expect(told.text).not.toMatch(/run in a row/);
    expect(told.text).not.toContain("right-pass");

    // Still watching: the service goes down and the alert goes out through the old config's channel.
    server.close();
    const second = await check(config);
    expect(second.code).toBe(0);
    expect(second.mail).toContain("config invalid at");
    expect(mailsAbout("config invalid")).toHaveLength(1);
    const alerts = field.smtp.mails.slice(before);
    expect(alerts.some((m) => /tts/.test(m.subject ?? "") && !/config/.test(m.subject ?? ""))).toBe(true);

    // The outage can be steered while the config is being fixed: ack works, and says the config is broken.
    const ack = await cli(["ack", "tts", "-c", config], ENV);
    expect(ack.code, ack.stderr).toBe(0);
    expect(ack.stderr).toContain("config invalid at");

    // status and the status page say it while it lasts.
    const status = await cli(["status", "-c", config], ENV);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/config invalid at .*still watching with the config that validated at/);
    const page = fs.readFileSync(path.join(field.dir, "typo/page.html"), "utf8");
    expect(page).toContain("config invalid at");

    // validate still refuses it.
    expect((await cli(["validate", "-c", config], ENV)).code).toBe(78);

    // Fixed: the notice clears everywhere.
    server = await listen(port);
    write("typo", configText("typo", port, "{command: [/bin/true], verify_after: 0s}"));
    const fixed = await check(config);
    expect(fixed).toMatchObject({ code: 0, mail: "" });
    expect((await cli(["status", "-c", config], ENV)).stdout).not.toContain("config invalid");
    expect(fs.readFileSync(path.join(field.dir, "typo/page.html"), "utf8")).not.toContain("config invalid");
  });

  it("a new broken text is told again; an unset ${VAR} and a wrong indent fall back too", async () => {
    const config = write("var", configText("var", port, "{command: [/bin/true]}"));
    expect(await check(config)).toMatchObject({ code: 0, mail: "" });
    const before = mailsAbout("config invalid").length;
    write("var", configText("var", port, '{command: [/bin/true, "${NOT_SET}"]}'));
    const unset = await check(config);
    expect(unset.code).toBe(0);
    expect(unset.mail).toMatch(/config invalid at .*NOT_SET is not set.*still watching/);
    expect(mailsAbout("config invalid")).toHaveLength(before + 1);

    write("var", configText("var", port, "{command: [/bin/true]}").replace("    port: ", "   port: "));
    const indent = await check(config);
    expect(indent.code).toBe(0);
    expect(indent.mail).toMatch(/config invalid at .*:\d+:\d+: .*still watching/);
    expect(mailsAbout("config invalid")).toHaveLength(before + 2);

    // A channel secret the cron environment lacks: `status` (which needs no channel secret) still says it.
    write("var", configText("var", port, "{command: [/bin/true]}").replace("${SMTP_PASS}", "${OTHER_PASS}"));
    const secret = await check(config);
    expect(secret.code).toBe(0);
    expect(secret.mail).toMatch(/config invalid at .*OTHER_PASS is not set.*still watching/);
    const status = await cli(["status", "-c", config], ENV);
    expect(status.stdout).toMatch(/config invalid at .*OTHER_PASS is not set/);
  });

  it("a first-ever invalid config still exits 78", async () => {
    const config = write("first", configText("first", port, "{comand: [/bin/true]}"));
    const run = await check(config);
    expect(run.code).toBe(78);
    expect(run.mail).toContain("comand");
    expect(fs.existsSync(path.join(field.dir, "first/state/state.json.config-good.yaml"))).toBe(false);
  });
});
