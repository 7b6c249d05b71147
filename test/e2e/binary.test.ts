import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The single executable (Node SEA): built once here with `npm run build:binary`'s script, then run from a directory
// with no node_modules. Skipped, with the reason, when the SEA tooling (postject, node --experimental-sea-config) is
// missing.
const root = path.resolve(__dirname, "../..");
const bin = path.join(root, "dist", "watchdog");
let skip: string | undefined;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-bin-"));
  if (!fs.existsSync(path.join(root, "node_modules", "postject"))) {
    skip = "postject is not installed (npm ci installs it as a devDependency)";
    return;
  }
  // Not spawnSync: on a busy machine the build takes minutes, and a worker whose event loop is blocked that long
  // misses vitest's fixed 60 s deadline for its messages ("Timeout calling onTaskUpdate", an error of the whole run).
  const failed = await new Promise<string | undefined>((resolve) => {
    const opts = { cwd: root, encoding: "utf8" as const, timeout: 540_000, maxBuffer: 64 << 20 };
    execFile(process.execPath, ["scripts/build-binary.mjs"], opts, (err, _out, stderr) => {
      resolve(err ? stderr || err.message : undefined);
    });
  });
  if (failed !== undefined)
    skip = `the single-executable build failed: ${failed.trim().split("\n").slice(-3).join(" ")}`;
}, 600_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(bin, args, { cwd: dir, encoding: "utf8", timeout: 120_000, env: { PATH: "/usr/bin:/bin", HOME: dir } });

describe("dist/watchdog (single executable)", () => {
  it("prints its version, validates a config and runs check --dry-run with nothing beside it", (ctx) => {
    if (skip) {
      console.warn(`skipped: ${skip}`);
      ctx.skip();
    }
    const version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
    const v = run("--version");
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(version);

    const config = path.join(dir, "watchdog.yaml");
    fs.writeFileSync(
      config,
      `state_file: ${dir}/state.json\nchannels: {out: {type: console}}\nescalation: [{after: 1, notify: [out]}]\n` +
        `checks:\n  - {name: nothing-here, type: tcp, host: 127.0.0.1, port: 1}\n` +
        `  - {name: host, type: system, disk: {paths: ["/"]}}\n`,
    );
    const ok = run("validate", "-c", config);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("config OK");

    const dry = run("check", "--dry-run", "-c", config);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^nothing-here\s+CRITICAL/m);
    expect(dry.stdout).toMatch(/would send to out: \[watchdog\] /);
    expect(dry.stdout).toMatch(/^\s+Check: nothing-here \(escalation step 1\)/m);
    expect(fs.existsSync(path.join(dir, "state.json"))).toBe(false);

    // The starter config is embedded too.
    const init = run("init", "--path", path.join(dir, "starter.yaml"));
    expect(init.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, "starter.yaml"), "utf8")).toContain("escalation:");
  });
});

describe("dist/watchdog and --env-file", () => {
  // Node 20 reads a `--env-file FILE` anywhere on its command line for itself, before watchdog runs (exit 9 when
  // missing, blocked on a FIFO): the installed line puts `--` first, and watchdog reads and checks the file itself.
  it("the cron line it installs names a missing env file in watchdog's words, and refuses a FIFO at once", (ctx) => {
    if (skip) {
      console.warn(`skipped: ${skip}`);
      ctx.skip();
    }
    const config = path.join(dir, "env.yaml");
    fs.writeFileSync(config, `state_file: ${dir}/env-state.json\nhost: "\${BOX}"\nchecks: []\n`, { mode: 0o600 });
    const envFile = path.join(dir, "watchdog.env");
    fs.writeFileSync(envFile, "BOX=gpu-01\n", { mode: 0o600 });
    const inst = run("install", "--cron", "--config", config, "--env-file", envFile);
    expect(inst.status).toBe(0);
    fs.rmSync(envFile);
    const line = inst.stdout.split("\n")[1]!;
    expect(line).toContain(`${bin} -- check --config ${config} --env-file ${envFile} >/dev/null`);
    const command = line.split(" ").slice(5).join(" ");
    const cron = (c: string) =>
      spawnSync("/bin/sh", ["-c", c], { encoding: "utf8", timeout: 30_000, env: { PATH: "/usr/bin:/bin" } });
    const missing = cron(command);
    expect(missing.stderr).toBe(
      `${envFile}:1:1: (top level): cannot read the env file: no such file\nconfig invalid: 1 problem\n`,
    );
    expect(missing.status).toBe(78);
    spawnSync("mkfifo", [envFile]);
    const fifo = cron(command);
    expect(fifo.stderr).toMatch(/cannot read the env file: it is a FIFO/);
    expect(fifo.status).toBe(78);
  });
});
