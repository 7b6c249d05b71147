import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// Text from outside (plugin output, a vendor's error body) must not drive the terminal it is printed on:
// `ESC]0;…BEL` retitles it, `ESC[2J` clears it, and any escape breaks the table.
const NASTY = "\u001b]0;pwned\u0007\u001b[2J\u001b[31m";

let dir: string;
let server: http.Server;
let port: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-esc-"));
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(`${NASTY}upstream exploded\u009b2J\u0008\u0008 here`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  // A Nagios plugin whose output is full of escapes (some plugins colour their output; this one is hostile).
  fs.writeFileSync(
    path.join(dir, "plugin.sh"),
    `#!/bin/sh\n` +
      `printf '${NASTY.replace(/\u001b/g, "\\033").replace(/\u0007/g, "\\007")}CRITICAL - disk ` +
      `full\\033[0m|used=99\\n\\033]0;again\\007detail\\033c line\\r\\n'\nexit 2\n`,
    { mode: 0o755 },
  );
  fs.writeFileSync(
    path.join(dir, "wd.yaml"),
    `state_file: ${dir}/state/state.json
host: box
channels:
  out: {type: console}
  hook: {type: webhook, url: "http://127.0.0.1:${port}/alert"}
escalation: [{after: 1, notify: [out, hook]}]
checks:
  - name: disk
    type: exec
    command: [${JSON.stringify(path.join(dir, "plugin.sh"))}]
`,
  );
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ HOME: dir, XDG_STATE_HOME: path.join(dir, "xdg"), WATCHDOG_CONFIG: "" });
const cli = (...args: string[]) => runCli(["-c", path.join(dir, "wd.yaml"), ...args], { cwd: dir, env: env() });

/** CONTROL is any control character a terminal acts on (tab and newline aside). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("terminal escapes from outside are stripped before they are printed", () => {
  it("check (its table and the console channel), status and history", async () => {
    const r = await cli("check");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/disk\s+CRITICAL\s+1\s+\S+\s+CRITICAL - disk full/);
    // The console channel printed the message, plugin detail included.
    expect(r.stdout).toContain("detail line");
    // The vendor's error body is shown (what it said helps), without its escapes.
    expect(r.stdout).toMatch(/FAILED to send to hook: .*upstream exploded/);
    const outputs = [r];
    for (const args of [["status"], ["history"], ["history", "--events", "--json"], ["check", "--dry-run"]]) {
      const o = await cli(...args);
      expect(o.code).toBe(0);
      outputs.push(o);
    }
    expect(outputs[1]!.stdout).toContain("CRITICAL - disk full");
    for (const o of outputs) {
      expect(o.stdout).not.toMatch(CONTROL);
      expect(o.stderr).not.toMatch(CONTROL);
      expect(o.stdout).not.toContain("pwned");
    }
    // What is kept for later (state, history) is clean too.
    const state = fs.readFileSync(path.join(dir, "state", "state.json"), "utf8");
    const history = fs.readFileSync(path.join(dir, "state", "history.jsonl"), "utf8");
    for (const text of [state, history]) expect(text).not.toMatch(/\\u001b|\\u0007|pwned|\u009b/);
  }, 60_000);
});
