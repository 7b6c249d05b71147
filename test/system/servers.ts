import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";

/** findBinary returns the first of the names that exists as an executable (absolute, or on PATH). */
export function findBinary(...names: string[]): string | undefined {
  for (const name of names) {
    if (name.startsWith("/")) {
      try {
        fs.accessSync(name, fs.constants.X_OK);
        return name;
      } catch {
        continue;
      }
    }
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

export { freePort } from "../helpers/net.js";

/** waitFor polls fn every 100 ms until it returns a value other than undefined, or throws after timeoutMs. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}

/** Daemon is a server process started by a test; stop kills it (by its own pid) and waits for it to exit. */
export type Daemon = { child: ChildProcess; output: () => string; stop(): Promise<void> };

/** startDaemon spawns a server binary and keeps its output for failure messages. */
export function startDaemon(bin: string, args: string[]): Daemon {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c) => (out = (out + c).slice(-20_000)));
  child.stderr!.on("data", (c) => (out = (out + c).slice(-20_000)));
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill("SIGKILL"), 3000);
        child.once("exit", () => {
          clearTimeout(t);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

/** get fetches a URL on 127.0.0.1 and returns the status and body. */
export async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

/** waitReady waits (up to a minute) for url to answer 200; on a timeout the error carries the daemon's output. */
export async function waitReady(what: string, d: Daemon, url: string): Promise<void> {
  await waitFor(what, async () => ((await get(url)).status === 200 ? true : undefined), 60_000).catch((err) => {
    throw new Error(`${(err as Error).message}\n${d.output()}`);
  });
}

/** Receiver is an HTTP server of the test's own that keeps every JSON body POSTed to it. */
export type Receiver = { url: string; port: number; bodies: unknown[]; close(): Promise<void> };

/** startReceiver answers every POST with `status` (default 200) and records its JSON body. */
export async function startReceiver(status: () => number = () => 200): Promise<Receiver> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        bodies.push(JSON.parse(text));
      } catch {
        bodies.push(text);
      }
      res.writeHead(status(), { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

/** startTcp listens on 127.0.0.1 (port 0 = any) and accepts and closes connections: a service that is up. */
export async function startTcp(port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}
