import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { check, CRON, startCli, T0, tempDir } from "../reliability/harness.js";

// The seal through the built CLI: what a run writes, the next run reads back; a file changed by hand, an older file
// without a seal, a seal moved from its place: each is read by the schema as before, and the next save seals it once.

let base: string;
let config: string;
let sealed: string;
beforeAll(async () => {
  base = tempDir("seal-cli");
  config = path.join(base, "watchdog.yaml");
  fs.writeFileSync(
    config,
    `state_file: \${STATE}\nchannels:\n  out: {type: console}\nescalation: [{after: 1, notify: [out]}]\n` +
      `checks:\n  - {name: svc, type: tcp, port: ${await freePort()}, timeout: 1s}\n`,
  );
  const file = path.join(base, "first.json");
  const r = await check(config, T0, { env: { STATE: file } });
  expect(r.code, r.stderr).toBe(0);
  sealed = fs.readFileSync(file, "utf8");
}, 60_000);
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const SEAL_LAST = /,"seal":"[0-9a-f]{16}"\}\n$/;

/** nextRun writes TEXT as the state file, runs `check` a cron interval later, and returns the run and the file. */
async function nextRun(name: string, text: string, args: string[] = []) {
  const file = path.join(base, `${name}.json`);
  fs.writeFileSync(file, text, { mode: 0o600 });
  const r = await check(config, T0 + CRON, { env: { STATE: file }, args });
  expect(r.code, r.stderr).toBe(0);
  return { r, file, after: fs.readFileSync(file, "utf8") };
}

function expectSealedOnce(text: string, failStreak: number): void {
  expect(text).toMatch(SEAL_LAST);
  expect(text.match(/"seal"/g)).toHaveLength(1);
  expect(JSON.parse(text).checks.svc.failStreak).toBe(failStreak);
}

describe("the state file's seal, through the CLI", () => {
  it("a run seals what it writes; the next run reads it back and goes on", async () => {
    expectSealedOnce(sealed, 1);
    const { r, after } = await nextRun("next", sealed);
    expect(r.stdout).not.toMatch(/warning: state file/);
    expectSealedOnce(after, 2);
    expect(JSON.parse(after).checks.svc.incident.id).toBe(JSON.parse(sealed).checks.svc.incident.id);
  });

  it("a number changed by hand counts: status shows it, a dry run leaves the file, the next run goes on", async () => {
    const edited = sealed.replace('"failStreak":1', '"failStreak":7');
    expect(edited).not.toBe(sealed);
    const file = path.join(base, "edited-status.json");
    fs.writeFileSync(file, edited, { mode: 0o600 });
    const status = await startCli(["--config", config, "status", "--json"], { env: { STATE: file } }).done;
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).checks[0]).toMatchObject({ name: "svc", failStreak: 7 });
    const dry = await check(config, T0 + CRON, { env: { STATE: file }, args: ["--dry-run"] });
    expect(dry.code, dry.stderr).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe(edited);
    const { r, after } = await nextRun("edited", edited);
    expect(r.stdout).not.toMatch(/warning: state file/);
    expectSealedOnce(after, 8);
  });

  it("a value changed to one that does not fit is moved aside as before, under its old seal", async () => {
    const { r, after } = await nextRun("unfit", sealed.replace('"failStreak":1', '"failStreak":"1"'));
    expect(r.stdout).toMatch(/warning: state file .* does not fit the state schema .*: moved it to .*corrupt-/);
    expect(fs.readdirSync(base).filter((f) => f.startsWith("unfit.json.corrupt-"))).toHaveLength(1);
    expectSealedOnce(after, 1);
  });

  it("an older file without a seal, and one whose seal is not last, read as before and are sealed once", async () => {
    const data = JSON.parse(sealed);
    const { seal, ...unsealed } = data;
    for (const [name, text] of [
      ["unsealed", `${JSON.stringify(unsealed)}\n`],
      ["seal-first", `${JSON.stringify({ seal, ...unsealed })}\n`],
    ]) {
      const { r, after } = await nextRun(name!, text!);
      expect(r.stdout, name).not.toMatch(/warning: state file/);
      expectSealedOnce(after, 2);
    }
  });
});
