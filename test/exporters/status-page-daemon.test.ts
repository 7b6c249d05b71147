import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";
import { startTcp, waitFor } from "../system/servers.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("status page served by watchdog daemon at / (next to /metrics)", () => {
  it("serves the page of the last run with its CSP, and still 404s elsewhere", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-spd-"));
    dirs.push(dir);
    const up = await startTcp();
    const down = await freePort();
    const port = await freePort();
    const config = path.join(dir, "w.yaml");
    fs.writeFileSync(
      config,
      `host: box-7\nlocale: zh-CN\nstate_file: ${path.join(dir, "state.json")}\ninterval: 1s\nmetrics:\n` +
        `  listen: 127.0.0.1:${port}\n` +
        `status_page:\n  path: ${path.join(dir, "page.html")}\n  title: Daemon page\nchannels: {}\nescalation:\n` +
        `  - after: 1\n` +
        `checks:\n  - name: up-svc\n    type: tcp\n    port: ${up.port}\n  - name: down-svc\n    type: tcp\n` +
        `    port: ${down}\n    timeout: 1s\n`,
    );
    const child = spawn(process.execPath, [CLI, "-c", config, "daemon"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    try {
      const page = await waitFor(
        "a page showing both checks",
        async () => {
          const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
          const body = await r.text();
          // Before the first run ends the page lists both checks as pending: wait for the run's verdict.
          const judged = body.includes("up-svc") && /b-critical">[^<]*<\/span> <span class="name">down-svc/.test(body);
          return r.status === 200 && judged ? { r, body } : undefined;
        },
        60_000,
      ).catch((err) => {
        throw new Error(`${(err as Error).message}\n${out}`);
      });
      expect(page.r.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.r.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
      expect(page.body).toContain("<title>Daemon page · box-7</title>");
      expect(page.body).toMatch(/<span class="badge b-critical">严重<\/span> <span class="name">down-svc<\/span>/);
      // The file is written by each run too.
      expect(fs.readFileSync(path.join(dir, "page.html"), "utf8")).toContain("down-svc");
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await up.close();
    }
  }, 120_000);
});
