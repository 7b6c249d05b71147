import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processConfigSchema, processProbe } from "../../src/probes/process/index.js";
import { withStarts } from "../../src/probes/started.js";
import type { ProbeResult } from "../../src/probes/types.js";
import { freePort } from "../helpers/net.js";
import { ctx } from "./ctx.js";

// Real processes on 127.0.0.1: a server that binds its port once a file says so (a model that loads first), started
// again with the same command line as a unit's restart is.
let dir: string;
const children: ChildProcess[] = [];
const SERVER = `const fs = require("fs"), net = require("net");
const wait = () => fs.existsSync(process.argv[3]) ? \
net.createServer((c) => c.end()).listen(+process.argv[2], "127.0.0.1")
  : setTimeout(wait, 20);
wait();
`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-started-"));
  fs.writeFileSync(path.join(dir, "server.js"), SERVER);
});
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

/** serve starts the server on port; it listens once `ready` exists. */
function serve(port: number, ready: string): ChildProcess {
  const c = spawn(process.execPath, [path.join(dir, "server.js"), String(port), ready], { stdio: "ignore" });
  children.push(c);
  return c;
}

async function until(what: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 200 && !(await what()); i++) await new Promise((r) => setTimeout(r, 25));
}
const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => (s.destroy(), resolve(true)));
    s.on("error", () => resolve(false));
  });

const result = (check: string, status: ProbeResult["status"]): ProbeResult => ({
  check,
  status,
  summary: status,
  durationMs: 1,
});
const signal = new AbortController().signal;

describe("withStarts", () => {
  it("finds the listener's start, then the restarted copy by its command line before it listens", async () => {
    const port = await freePort();
    const ready = path.join(dir, "ready");
    const checks = [{ name: "svc", type: "tcp", host: "127.0.0.1", port }];
    fs.writeFileSync(ready, "");
    const before = Date.now();
    const first = serve(port, ready);
    await until(() => answers(port));
    const [up] = await withStarts([result("svc", "ok")], checks, {}, signal);
    expect(up!.started!.at).toBeGreaterThanOrEqual(before - 1500);
    expect(up!.started!.at).toBeLessThanOrEqual(Date.now() + 1500);
    expect(up!.started!.cmd).toMatch(/^[0-9a-f]{16}$/);
    // The hash, not the command line: it may hold a token.
    expect(JSON.stringify(up)).not.toContain("server.js");

    // The system restarts it; the new copy "loads" (does not listen yet).
    fs.rmSync(ready);
    await new Promise((r) => (first.once("exit", r), first.kill("SIGKILL")));
    await new Promise((r) => setTimeout(r, 100));
    const second = serve(port, ready);
    await until(() => fs.existsSync(`/proc/${second.pid}/cmdline`));
    const seen = { svc: { status: "ok", warmup: { cmd: up!.started!.cmd, start: up!.started!.at } } };
    const [loading] = await withStarts([result("svc", "critical")], checks, seen, signal);
    expect(loading!.started).toEqual({ at: expect.any(Number), cmd: up!.started!.cmd });
    expect(loading!.started!.at).toBeGreaterThan(up!.started!.at);

    // A healthy run that knows its process reads no /proc.
    const [healthy] = await withStarts([result("svc", "ok")], checks, seen, signal);
    expect(healthy!.started).toBeUndefined();
  });

  it("a check on another host, or of a type without a port, has no start", async () => {
    const checks = [
      { name: "remote", type: "tcp", host: "192.0.2.1", port: 22 },
      { name: "script", type: "exec", command: ["true"] },
    ];
    const out = await withStarts([result("remote", "critical"), result("script", "critical")], checks, {}, signal);
    expect(out.map((r) => r.started)).toEqual([undefined, undefined]);
  });
});

describe("the process probe", () => {
  it("gives the start of the first process it matches, and says when it is stopped", async () => {
    const port = await freePort();
    const c = serve(port, path.join(dir, `never-${port}`));
    await until(
      () =>
        fs.existsSync(`/proc/${c.pid}/cmdline`) &&
        fs.readFileSync(`/proc/${c.pid}/cmdline`, "utf8").includes(`never-${port}`),
    );
    const run = () => processProbe.run(processConfigSchema.parse({ type: "process", match: `never-${port}` }), ctx());
    const out = await run();
    expect(out.started?.at).toBeGreaterThan(Date.now() - 60_000);
    expect(out.started?.stopped).toBeUndefined();
    process.kill(c.pid!, "SIGSTOP");
    await until(() => fs.readFileSync(`/proc/${c.pid}/stat`, "utf8").includes(") T "));
    expect((await run()).started?.stopped).toBe(true);
  });
});
