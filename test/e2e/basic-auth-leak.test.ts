import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpVendor, type VendorServer } from "../helpers/vendors/index.js";
import { cli, CRON_ENV, cronCommand, downConfig, runAsCron, tmpDir } from "./field-helpers.js";

// Basic auth travels as base64: an Alertmanager (or a proxy in front of it) that echoes the Authorization header in
// its error body hands it back in that form. Every secret is masked in its base64 forms too, `user:pass` included.
const USER = "amuser";
const PASS = "s3cr3t-Pa55~~x";
const b64 = (s: string) => Buffer.from(s).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");
const LEAKS = [PASS, b64(`${USER}:${PASS}`), b64(PASS), b64url(`${USER}:${PASS}`), b64url(PASS)].flatMap((s) => [
  s,
  s.replace(/=+$/, ""),
  JSON.stringify(s).slice(1, -1).replaceAll("/", "\\/"),
]);

let dir: string;
let am: VendorServer;
beforeAll(async () => {
  dir = tmpDir();
  // Refuses every alert with 503 (retryable: the message stays in the outbox, in the state) and echoes the header.
  am = await startHttpVendor(
    "/api/v2/alerts",
    ({ headers }) => ({
      status: 503,
      body: { error: `upstream said no to ${headers.authorization}` },
      accepted: false,
    }),
    {},
  );
});
afterAll(async () => {
  await am.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("an echoed Basic authorization header", () => {
  it("is masked on stderr, in the report, the state, the history and the log", async () => {
    const config = path.join(dir, "watchdog.yaml");
    fs.writeFileSync(
      config,
      downConfig(dir, "am", `{type: alertmanager, urls: ["http://${USER}:\${AM_PASS}@127.0.0.1:${am.port}/"]}`),
      { mode: 0o600 },
    );
    const envFile = path.join(dir, "watchdog.env");
    fs.writeFileSync(envFile, `AM_PASS=${PASS}\n`, { mode: 0o600 });
    const inst = await cli(["install", "--cron", "--config", config, "--env-file", envFile]);
    const run = await runAsCron(cronCommand(inst.stdout.split("\n")[1]!), CRON_ENV);
    // The echo did reach watchdog, and it said something about the failed send on stderr.
    expect(am.received.length).toBeGreaterThan(0);
    expect(am.received[0]!.headers.authorization).toBe(`Basic ${b64(`${USER}:${PASS}`)}`);
    expect(run.mail).toMatch(/am.*HTTP 503/s);
    const status = await cli(["status", "--config", config], { AM_PASS: PASS });
    const outputs: Record<string, string> = { mail: run.mail, status: status.stdout + status.stderr };
    for (const f of fs.readdirSync(dir)) {
      const file = path.join(dir, f);
      if (fs.statSync(file).isFile() && f !== "watchdog.env" && f !== "watchdog.yaml") {
        outputs[f] = fs.readFileSync(file, "utf8");
      }
    }
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(["state.json", "watchdog.log"]));
    expect(JSON.stringify(outputs)).toContain("upstream said no to Basic ***");
    for (const [where, text] of Object.entries(outputs)) {
      for (const leak of LEAKS) expect(text.includes(leak), `${where} holds ${leak}`).toBe(false);
    }
  });
});
