import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { freePort } from "../../helpers/net.js";

// A log path that is a FIFO, a socket or a device, met through the built CLI as cron runs it. Before the fix a FIFO
// was opened blocking: the open() sat in a libuv worker for ever, the check timed out and the process never exited
// (Node joins its I/O threads at exit), so every such run was killed from outside.
let dir: string;
let server: net.Server | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-special-"));
});
afterEach(async () => {
  if (server) await new Promise((r) => server!.close(r));
  server = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

type Check = { check: string; status: string; summary: string; detail?: string };

/** check runs `watchdog check --json` with the given checks and returns them by name. */
async function check(checks: string): Promise<{ code: number | null; byName: Map<string, Check>; stderr: string }> {
  const cfg = path.join(dir, "wd.yaml");
  fs.writeFileSync(cfg, `state_file: ${dir}/state/state.json\nchecks:\n${checks}`);
  const env = { HOME: dir, XDG_STATE_HOME: path.join(dir, "xdg"), WATCHDOG_CONFIG: "" };
  // The kill at 60s only ends a hung run (the bug) so that the test can fail instead of hanging.
  const r = await runCli(["-c", cfg, "check", "--json"], { cwd: dir, env, timeoutMs: 60_000 });
  const byName = new Map<string, Check>();
  if (r.code === 0) for (const c of JSON.parse(r.stdout).checks as Check[]) byName.set(c.check, c);
  return { code: r.code, byName, stderr: r.stderr };
}

describe("log check on a file that is not a regular file", () => {
  it("a FIFO as the log path: the run ends, the other checks run, the log check says why", async () => {
    const fifo = path.join(dir, "app.log");
    execFileSync("mkfifo", [fifo]);
    const port = await freePort();
    const r = await check(
      `  - {name: applog, type: log, path: ${fifo}, patterns: [FATAL]}\n` +
        `  - {name: api, type: tcp, host: 127.0.0.1, port: ${port}}\n`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.byName.get("applog")).toMatchObject({ status: "unknown", summary: `${fifo}: not a regular file: FIFO` });
    expect(r.byName.get("api")?.status).toBe("critical");
    // The second run (with state now) ends the same way.
    const again = await check(`  - {name: applog, type: log, path: ${fifo}, patterns: [FATAL]}\n`);
    expect(again.code, again.stderr).toBe(0);
    expect(again.byName.get("applog")?.summary).toBe(`${fifo}: not a regular file: FIFO`);
  }, 150_000);

  it("a glob that matches a FIFO among regular files: the regular ones are read, the FIFO is named", async () => {
    execFileSync("mkfifo", [path.join(dir, "b.log")]);
    fs.writeFileSync(path.join(dir, "a.log"), "FATAL: engine died\n");
    fs.writeFileSync(path.join(dir, "c.log"), "all quiet\n");
    const glob = path.join(dir, "*.log");
    const r = await check(
      `  - {name: found, type: log, path: "${glob}", from: start, patterns: [FATAL]}\n` +
        `  - {name: quiet, type: log, path: "${glob}", from: start, patterns: [NEVER]}\n`,
    );
    expect(r.code, r.stderr).toBe(0);
    // A match in a regular file is still reported; the FIFO is in the detail.
    const found = r.byName.get("found")!;
    expect(found.status).toBe("critical");
    expect(found.summary).toContain("1 new matching line");
    expect(found.detail).toContain(`${path.join(dir, "b.log")}: not a regular file: FIFO`);
    // With nothing found, the check is unknown and says why.
    const why = `${path.join(dir, "b.log")}: not a regular file: FIFO`;
    expect(r.byName.get("quiet")).toMatchObject({ status: "unknown", summary: why });
  });

  it("a socket and a character device are refused the same way (a device is never even opened)", async () => {
    const sock = path.join(dir, "app.sock");
    server = net.createServer();
    await new Promise<void>((r) => server!.listen(sock, r));
    const r = await check(
      `  - {name: sock, type: log, path: ${sock}, patterns: [FATAL]}\n` +
        `  - {name: dev, type: log, path: /dev/null, patterns: [FATAL]}\n`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.byName.get("sock")).toMatchObject({ status: "unknown", summary: `${sock}: not a regular file: socket` });
    const why = "/dev/null: not a regular file: character device";
    expect(r.byName.get("dev")).toMatchObject({ status: "unknown", summary: why });
  });
});
