import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runCli } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";
import { alive } from "../helpers/proc.js";
import { svcRestartConfig } from "./field-helpers.js";

// Restart hooks written the way people write them, through the built CLI: the hook starts the service in the
// background (nohup, setsid, &, a double fork, systemctl) and exits. The run must end at the hook's own exit, report
// the restart as helped, save the state and release the lock, and the service must keep running and answering
// afterwards, even though it inherited the hook's output and writes to it.

let dir: string;
const pidFiles: string[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-hooksvc-"));
  fs.mkdirSync(path.join(dir, "bin"));
  // The hook waits until the service answers, as careful restart scripts do (bounded), so that verify_after need not
  // guess how long a busy machine takes to start python.
  fs.writeFileSync(
    path.join(dir, "bin", "wait-port"),
    `#!/bin/bash\nfor i in $(seq 300); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && exit 0; sleep 0.1; done\n` +
      `exit 1\n`,
    { mode: 0o755 },
  );
  // A stand-in for `systemctl restart UNIT`: it starts the unit's service detached, leaving its output inherited.
  fs.writeFileSync(
    path.join(dir, "bin", "systemctl"),
    `#!/bin/bash\n[ "$1" = restart ] || exit 2\n. "${dir}/units/$2"\n` +
      `setsid nohup python3 -m http.server "$PORT" --bind 127.0.0.1 & echo $! > "$PIDFILE"\nwait-port "$PORT"\n`,
    { mode: 0o755 },
  );
  fs.mkdirSync(path.join(dir, "units"));
});

afterAll(() => {
  for (const f of pidFiles) {
    try {
      process.kill(Number(fs.readFileSync(f, "utf8")), "SIGKILL");
    } catch {
      // Never started, or already gone.
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

const env = () => ({
  HOME: dir,
  XDG_STATE_HOME: path.join(dir, "xdg"),
  WATCHDOG_CONFIG: "",
  PATH: `${dir}/bin:${process.env.PATH}`,
});

/** answer sends an HTTP request over TCP and returns what came back (the node service answers "hi" to anything). */
function answer(port: number): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    let got = "";
    sock.setTimeout(10_000, () => sock.destroy());
    sock.on("connect", () => sock.write("GET / HTTP/1.0\r\n\r\n"));
    sock.on("data", (c) => (got += c));
    sock.on("error", (err: NodeJS.ErrnoException) => (got ||= `error ${err.code}`));
    sock.on("close", () => resolve(got));
  });
}

/** setup writes a config whose one check is down until its restart hook (a bash script, argv) brings it up. */
async function setup(name: string, script: (port: number, pidFile: string) => string, extra = "", hookArgv?: string[]) {
  const port = await freePort();
  const home = path.join(dir, name);
  fs.mkdirSync(home);
  const pidFile = path.join(home, "service.pid");
  pidFiles.push(pidFile);
  fs.writeFileSync(path.join(home, "hook.sh"), `#!/bin/bash\ncd ${JSON.stringify(home)}\n${script(port, pidFile)}\n`, {
    mode: 0o755,
  });
  fs.writeFileSync(path.join(dir, "units", name), `PORT=${port}\nPIDFILE=${JSON.stringify(pidFile)}\n`);
  const config = path.join(home, "wd.yaml");
  fs.writeFileSync(
    config,
    svcRestartConfig(
      `${home}/state/state.json`,
      `host: box\n${extra}`,
      `type: tcp\nhost: 127.0.0.1\nport: ${port}\ntimeout: 2s`,
      `command: ${JSON.stringify(hookArgv ?? ["bash", path.join(home, "hook.sh")])}\ntimeout: 30s\nverify_after: 0s`,
    ),
  );
  return { port, pidFile, config, state: path.join(home, "state", "state.json") };
}

const PY = (port: number) => `python3 -m http.server ${port} --bind 127.0.0.1`;
const NODE = (port: number) =>
  `${JSON.stringify(process.execPath)} -e "require('net').createServer((s) => { s.on('error', () => {}); ` +
  `console.log('connection'); console.error('served'); s.end('hi\\\\n'); }).listen(${port}, '127.0.0.1')"`;

describe("a restart hook that starts a long-lived service", () => {
  it.each([
    [
      "nohup python3 -m http.server &",
      (p: number, f: string) => `nohup ${PY(p)} & echo $! > ${f}\nwait-port ${p}\necho restarted`,
    ],
    ["setsid python3 -m http.server &", (p: number, f: string) => `setsid ${PY(p)} & echo $! > ${f}\nwait-port ${p}`],
    [
      "node server & (no redirect; it logs every connection)",
      (p: number, f: string) => `${NODE(p)} & echo $! > ${f}\nwait-port ${p}`,
    ],
    [
      "python3 -m http.server >/dev/null 2>&1 &",
      (p: number, f: string) => `${PY(p)} >/dev/null 2>&1 & echo $! > ${f}\nwait-port ${p}`,
    ],
    ["a double fork: ( server & )", (p: number, f: string) => `( ${PY(p)} & echo $! > ${f} )\nwait-port ${p}`],
  ])(
    "%s: the run ends at the hook's exit, the restart helped, the service keeps answering",
    async (_name, script) => {
      const s = await setup(`case-${pidFiles.length}`, script);
      await expectHelpedAndServing(s);
    },
    120_000,
  );

  it("systemctl restart (a stand-in on PATH that starts the unit detached)", async () => {
    const name = `case-${pidFiles.length}`;
    const s = await setup(name, () => "", "", ["systemctl", "restart", name]);
    await expectHelpedAndServing(s);
  }, 120_000);

  it(
    "a hook that itself hangs past its timeout is killed with its process group; " + "the run still saves and unlocks",
    async () => {
      const s = await setup("hangs", (_p, f) => `sleep 300 & echo $! > ${f}\nexec sleep 300`);
      fs.writeFileSync(s.config, fs.readFileSync(s.config, "utf8").replace("timeout: 30s", "timeout: 1s"));
      const r = await runCli(["-c", s.config, "check"], { env: env(), timeoutMs: 60_000 });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/restart svc: failed: did not finish within 1000ms; its process group was killed/);
      const child = Number(fs.readFileSync(s.pidFile, "utf8"));
      for (let i = 0; i < 100 && alive(child); i++) await new Promise((res) => setTimeout(res, 50));
      expect(alive(child)).toBe(false);
      expect(JSON.parse(fs.readFileSync(s.state, "utf8")).checks.svc.incident.restarts).toBe(1);
      expect(fs.existsSync(`${s.state}.lock`)).toBe(false);
    },
    120_000,
  );

  it(
    "a run never outlives run_timeout: " + "a hook that hangs with a detached child holding its output is cut",
    async () => {
      // The hook's timeout is longer than the whole run may take; its detached child holds the output open forever.
      const s = await setup(
        "run-timeout",
        (_p, f) => `setsid sleep 300 & echo $! > ${f}\nexec sleep 300`,
        "run_timeout: 4s\n",
      );
      fs.writeFileSync(s.config, fs.readFileSync(s.config, "utf8").replace("timeout: 30s", "timeout: 10m"));
      const r = await runCli(["-c", s.config, "check"], { env: env(), timeoutMs: 60_000 });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/restart svc: failed: still running when the run's time \(run_timeout\) ran out/);
      const saved = JSON.parse(fs.readFileSync(s.state, "utf8"));
      expect(saved.checks.svc.incident.restarts).toBe(1);
      // The message of the run could not be sent in time: it is queued for the next run, not lost.
      expect(saved.outbox.length).toBeGreaterThanOrEqual(1);
      expect(fs.existsSync(`${s.state}.lock`)).toBe(false);
      const next = await runCli(["-c", s.config, "check"], { env: env(), timeoutMs: 60_000 });
      expect(next.code).toBe(0);
      expect(next.stdout).toMatch(/sent to out/);
    },
    120_000,
  );
});

describe("a probe that hangs longer than the run may take", () => {
  it(
    "is stopped at the run's deadline: unknown, " + "with the reason; the state is saved and the lock released",
    async () => {
      const home = path.join(dir, "probe-hangs");
      fs.mkdirSync(home);
      fs.writeFileSync(path.join(home, "plugin.sh"), "#!/bin/sh\nexec sleep 300\n", { mode: 0o755 });
      const config = path.join(home, "wd.yaml");
      const plugin = JSON.stringify(path.join(home, "plugin.sh"));
      fs.writeFileSync(
        config,
        `state_file: ${home}/state/state.json\nrun_timeout: 3s\nchecks:\n` +
          `  - {name: slow, type: exec, command: [${plugin}], timeout: 10m}\n`,
      );
      const r = await runCli(["-c", config, "check"], { env: env(), timeoutMs: 60_000 });
      expect(r.code).toBe(0);
      expect(r.stdout.replace(/\s+/g, " ")).toMatch(
        /slow UNKNOWN 1 \S+ probe failed: the run's time \(run_timeout\) ran out/,
      );
      expect(JSON.parse(fs.readFileSync(path.join(home, "state", "state.json"), "utf8")).checks.slow.failStreak).toBe(
        1,
      );
      expect(fs.existsSync(path.join(home, "state", "state.json.lock"))).toBe(false);
    },
    120_000,
  );
});

describe("the daemon", () => {
  it("each run ends within run_timeout whatever a hook does, and the daemon goes on", async () => {
    const s = await setup(
      "daemon",
      (_p, f) => `setsid sleep 300 & echo $! > ${f}\nexec sleep 300`,
      "run_timeout: 4s\ninterval: 1s\n",
    );
    fs.writeFileSync(s.config, fs.readFileSync(s.config, "utf8").replace("timeout: 30s", "timeout: 10m"));
    const child = spawn(process.execPath, [CLI, "-c", s.config, "daemon"], {
      env: { ...process.env, ...env() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      // Before the fix the first run never ended: no "run:" line, ever. Now the hook is cut at the run's deadline,
      // and later runs follow (the restart budget spent, they only probe).
      for (let i = 0; i < 1200 && (out.match(/^run: /gm) ?? []).length < 2; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(/^run: 1 checked, failing: svc; sent 0.*; restarted svc$/m);
      expect((out.match(/^run: /gm) ?? []).length).toBeGreaterThanOrEqual(2);
    } finally {
      child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), 30_000);
      void exited.then(() => clearTimeout(kill));
    }
    expect(await exited).toBe(0);
    expect(JSON.parse(fs.readFileSync(s.state, "utf8")).checks.svc.incident.restarts).toBe(1);
    expect(fs.existsSync(`${s.state}.lock`)).toBe(false);
  }, 120_000);
});

async function expectHelpedAndServing(s: { port: number; pidFile: string; config: string; state: string }) {
  const r = await runCli(["-c", s.config, "check"], { env: env(), timeoutMs: 60_000 });
  // Before the fix the run waited for the service's inherited pipes: it hung (killed here, code null), or killed the
  // service with the hook's group at the timeout and called the restart failed.
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/restart svc: restart helped/);
  const pid = Number(fs.readFileSync(s.pidFile, "utf8"));
  expect(alive(pid)).toBe(true);
  // It answers after the run, though it writes to the output it inherited from the hook (and watchdog has exited).
  for (let i = 0; i < 3; i++) expect(await answer(s.port)).toMatch(/^(HTTP\/1\.0 200 OK|hi)/);
  expect(alive(pid)).toBe(true);
  const saved = JSON.parse(fs.readFileSync(s.state, "utf8"));
  expect(saved.checks.svc.incident.restarts).toBe(1);
  expect(fs.existsSync(`${s.state}.lock`)).toBe(false);
  const next = await runCli(["-c", s.config, "check"], { env: env(), timeoutMs: 60_000 });
  expect(next.code).toBe(0);
  expect(next.stdout).toMatch(/svc\s+OK/);
  expect(alive(pid)).toBe(true);
}

describe("an exec plugin or nvidia-smi that leaves a detached child holding its output", () => {
  it("is read up to its own exit (and a short grace): its result counts, the child is left alone", async () => {
    const home = path.join(dir, "probes");
    fs.mkdirSync(home);
    const pidFile = (n: string) => path.join(home, `${n}.pid`);
    pidFiles.push(pidFile("plugin"), pidFile("smi"));
    // A plugin that (re)starts a helper daemon, and an nvidia-smi wrapper that starts a persistence daemon: both
    // keep the inherited stdout open far beyond their timeouts.
    fs.writeFileSync(
      path.join(home, "plugin.sh"),
      `#!/bin/sh\nsetsid sleep 300 & echo $! > ${pidFile("plugin")}\necho "OK - helper running | up=1"\n`,
      { mode: 0o755 },
    );
    const realSmi = path.resolve(__dirname, "../fixtures/nvidia-smi/h100-1/nvidia-smi");
    fs.writeFileSync(
      path.join(home, "nvidia-smi"),
      `#!/bin/sh\nsetsid sleep 300 & echo $! > ${pidFile("smi")}\nexec ${realSmi} "$@"\n`,
      { mode: 0o755 },
    );
    const config = path.join(home, "wd.yaml");
    fs.writeFileSync(
      config,
      `state_file: ${home}/state/state.json
checks:
  - name: plugin
    type: exec
    command: [${JSON.stringify(path.join(home, "plugin.sh"))}]
    timeout: 20s
  - name: gpu
    type: gpu
    nvidia_smi: ${JSON.stringify(path.join(home, "nvidia-smi"))}
    timeout: 20s
`,
    );
    const r = await runCli(["-c", config, "check"], { env: env(), timeoutMs: 60_000 });
    // Before the fix both waited for their pipes to close: killed at the timeout, then the run gave up on them.
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/plugin\s+OK\s+0\s+\S+\s+OK - helper running/);
    expect(r.stdout).toMatch(/gpu\s+OK\s+0\s+\S+\s+1 GPU ok/);
    for (const n of ["plugin", "smi"]) expect(alive(Number(fs.readFileSync(pidFile(n), "utf8")))).toBe(true);
  }, 120_000);
});
