import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { CLI } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";
import { restartingConfig, runAsCron } from "./field-helpers.js";

// A restart hook through the built CLI as cron runs it, with secrets in the env file and in cron's environment and a
// descriptor watchdog inherited from its parent (a lock or a pipe without close-on-exec): the service the hook starts
// must hold none of them.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-hookenv-"));
const pids: number[] = [];

afterAll(() => {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** environ is a process's environment as NAME=VALUE strings. */
const environ = (pid: number) => fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);

it("a hook and the service it starts get a clean environment and no descriptor but 0-2", async () => {
  const port = await freePort();
  const state = path.join(dir, "state");
  fs.mkdirSync(state);
  // An output file an older version (or a person) left readable by all.
  const out = path.join(state, "restart-svc.out");
  fs.writeFileSync(out, "old\n");
  fs.chmodSync(out, 0o644);
  fs.writeFileSync(
    path.join(dir, "hook.sh"),
    `#!/bin/bash
nohup python3 -m http.server ${port} --bind 127.0.0.1 & echo $! > ${dir}/py.pid
nohup sleep 300 & echo $! > ${dir}/sleep.pid
for i in $(seq 300); do (echo > /dev/tcp/127.0.0.1/${port}) 2>/dev/null && exit 0; sleep 0.1; done
exit 1
`,
    { mode: 0o755 },
  );
  const envFile = path.join(dir, "watchdog.env");
  fs.writeFileSync(envFile, "SMTP_PASS=s3cret-smtp-pass\n", { mode: 0o600 });
  const config = path.join(dir, "wd.yaml");
  fs.writeFileSync(
    config,
    restartingConfig(`${state}/state.json`, port, `${dir}/hook.sh`, ", env: {MODEL_DIR: /models}"),
  );
  const held = path.join(dir, "held");
  const line =
    `bash -c 'exec 251>>"$0"; exec "$1" "$2" -c "$3" check --env-file "$4"' ${held} ${process.execPath} ${CLI} ` +
    `${config} ${envFile} >/dev/null`;
  const r = await runAsCron(line, { API_TOKEN: "tok-in-crons-env", LANG: "C.UTF-8", TZ: "UTC" });
  const py = Number(fs.readFileSync(`${dir}/py.pid`, "utf8"));
  const sleep = Number(fs.readFileSync(`${dir}/sleep.pid`, "utf8"));
  pids.push(py, sleep);
  expect(r.mail).toBe("");
  expect(r.code).toBe(0);
  const env = environ(py);
  expect(env.join("\n")).not.toMatch(/s3cret-smtp-pass|tok-in-crons-env|SMTP_PASS|API_TOKEN/);
  expect(env).toEqual(expect.arrayContaining(["MODEL_DIR=/models", "LANG=C.UTF-8", "TZ=UTC", "PATH=/usr/bin:/bin"]));
  expect(env).toContain("HOME=/root");
  // sleep opens nothing of its own: what it holds is what it was handed.
  expect(fs.readdirSync(`/proc/${sleep}/fd`).sort()).toEqual(["0", "1", "2"]);
  for (const fd of fs.readdirSync(`/proc/${py}/fd`)) expect(fs.readlinkSync(`/proc/${py}/fd/${fd}`)).not.toBe(held);
  expect(fs.statSync(out).mode & 0o777).toBe(0o600);
}, 120_000);
