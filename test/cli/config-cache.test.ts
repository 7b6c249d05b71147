import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { CLI, runAsCron, tmpDir } from "../e2e/field-helpers.js";

// The config cache as cron meets it (env -i, HOME of its own): a change of the environment between two runs with
// the same config text reaches the next alert, and the cache folder never holds the token.

let dir: string;
const servers: net.Server[] = [];
const got: Record<string, string[]> = { a: [], b: [] };
const TOKEN = "tok3n-in-the-hook-path-77";

function hookServer(name: string): Promise<number> {
  const s = http.createServer((req, res) => {
    let body = "";
    req
      .on("data", (c) => (body += c))
      .on("end", () => {
        got[name]!.push(`${req.url} ${body}`);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
  });
  servers.push(s);
  return new Promise((r) => s.listen(0, "127.0.0.1", () => r((s.address() as net.AddressInfo).port)));
}

beforeAll(() => {
  dir = tmpDir();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the config cache under cron", () => {
  it("takes changed variables at the next run, and keeps no token in ~/.cache/watchdog", async () => {
    const [a, b, closed] = [await hookServer("a"), await hookServer("b"), await freePort()];
    const svc = net.createServer((c) => c.end());
    servers.push(svc);
    const open = await new Promise<number>((r) =>
      svc.listen(0, "127.0.0.1", () => r((svc.address() as net.AddressInfo).port)),
    );
    const home = path.join(dir, "home");
    fs.mkdirSync(home, { mode: 0o700 });
    const config = path.join(dir, "watchdog.yaml");
    fs.writeFileSync(
      config,
      `state_file: ${dir}/state/state.json\nchannels:\n  hook: {type: webhook, url: "\${HOOK_BASE}/hooks/${TOKEN}"}\n` +
        `escalation:\n  - {after: 1, notify: [hook]}\n` +
        `checks:\n  - name: svc\n    type: tcp\n    port: \${SVC_PORT}\n    timeout: 2s\n`,
      { mode: 0o600 },
    );
    const run = (base: number, port: number) =>
      runAsCron(`node ${CLI} check -c ${config} >/dev/null`, {
        HOME: home,
        HOOK_BASE: `http://127.0.0.1:${base}`,
        SVC_PORT: String(port),
      });

    expect((await run(a, closed)).mail).toBe("");
    expect(got.a!.join("\n")).toMatch(/svc/);
    const cache = path.join(home, ".cache", "watchdog");
    const entries = fs.readdirSync(cache);
    expect(entries).toHaveLength(1);
    const text = fs.readFileSync(path.join(cache, entries[0]!), "utf8");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(`127.0.0.1:${a}`);

    // The same config text, but the environment moved the service (a number, kept in the entry) and the hook (a
    // secret, made again each run): the check is probed where the service now is, and the recovery goes to the hook.
    const before = got.a!.length;
    expect((await run(b, open)).mail).toBe("");
    expect(got.a!.length).toBe(before);
    expect(got.b!.join("\n")).toMatch(/svc/);
    expect(got.b!.every((line) => line.startsWith(`/hooks/${TOKEN}`))).toBe(true);
  });
});
