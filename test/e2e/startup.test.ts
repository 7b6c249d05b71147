import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// What a run loads: a check run gets the built-ins its checks need. Each run writes the built-ins it loaded
// (process.moduleLoadList) when it exits, through a --require hook.
let dir: string;
let hook: string;
let server: net.Server;
let port: number;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-startup-"));
  hook = path.join(dir, "hook.cjs");
  fs.writeFileSync(
    hook,
    'process.on("exit", () =>\n' +
      '  require("fs").writeFileSync(process.env.WD_MODULES, process.moduleLoadList.join("\\n")));\n',
  );
  server = net.createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s)).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

async function loaded(args: string[], name: string): Promise<{ code: number | null; modules: string[] }> {
  const list = path.join(dir, `${name}.modules`);
  const env = { NODE_OPTIONS: `--require ${hook}`, WD_MODULES: list, WATCHDOG_CONFIG: "" };
  const r = await runCli(args, { env, cwd: dir });
  const modules = fs
    .readFileSync(list, "utf8")
    .split("\n")
    .filter((m) => m.startsWith("NativeModule "))
    .map((m) => m.slice("NativeModule ".length));
  return { code: r.code, modules };
}

describe("start-up", () => {
  it("a check that needs a lazily loaded built-in still gets it (exec: child_process)", async () => {
    const config = path.join(dir, "exec.yaml");
    const node = JSON.stringify(process.execPath);
    const check = `  - {name: plugin, type: exec, command: [${node}, -e, "console.log('fine')"]}\n`;
    fs.writeFileSync(config, `host: t\nstate_file: ${dir}/exec.json\nchecks:\n${check}`);
    const { code, modules } = await loaded(["--config", config, "check", "--json"], "exec");
    expect(code).toBe(0);
    expect(modules).toContain("child_process");
  });

  it("the status page's CSP allows exactly its inline script (the hash is written in the source)", async () => {
    const config = path.join(dir, "page.yaml");
    const checks = `checks:\n  - {name: up, type: tcp, port: ${port}}\n`;
    fs.writeFileSync(config, `host: t\nstate_file: ${dir}/page.json\n${checks}`);
    const r = await runCli(["--config", config, "status", "--html", "-"], { cwd: dir, env: { WATCHDOG_CONFIG: "" } });
    expect(r.code).toBe(0);
    const script = /<script>([\s\S]*?)<\/script>/.exec(r.stdout)?.[1];
    expect(script).toBeDefined();
    const hash = createHash("sha256").update(script!).digest("base64");
    expect(r.stdout).toContain(`script-src 'sha256-${hash}'`);
  });
});
