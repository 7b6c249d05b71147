import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runRestartHook } from "../../src/actions/restart-hook.js";
import type { RestartConfig } from "../../src/config/schema.js";
import { sleep } from "../../src/deps.js";
import { alive } from "../helpers/proc.js";
import { tmpDirEach } from "../helpers/tmp.js";

const dir = tmpDirEach("wd-hook-");

const hook = (over: Partial<RestartConfig>): RestartConfig => ({
  command: ["true"],
  shell: false,
  timeout: 5000,
  verify_after: 0,
  limit: { max: 2, within: 1_800_000 },
  ...over,
});
const opts = (redact = (s: string) => s) => ({ signal: new AbortController().signal, sleep, redact });

describe("restart hook", () => {
  it("runs argv without a shell, keeps the output tail, and re-probes after verify_after", async () => {
    let probed = 0;
    const out = await runRestartHook(
      hook({ command: ["/bin/echo", "restarting $HOME; rm -rf /"], verify_after: 50 }),
      async () => {
        probed += 1;
        return "ok";
      },
      opts(),
    );
    expect(out).toMatchObject({ exitCode: 0, timedOut: false, helped: true, after: "ok" });
    expect(out.outputTail).toBe("restarting $HOME; rm -rf /");
    expect(probed).toBe(1);
  });

  it("says it did not help when the re-probe still fails, whatever the exit code", async () => {
    const out = await runRestartHook(
      hook({ command: "echo boom >&2; exit 3", shell: true }),
      async () => "critical",
      opts(),
    );
    expect(out).toMatchObject({ exitCode: 3, helped: false, after: "critical" });
    expect(out.outputTail).toBe("boom");
  });

  it("kills the whole process group at the timeout, grandchildren included", async () => {
    const pidFile = path.join(dir(), "grandchild.pid");
    const script = `sleep 120 & echo $! > ${pidFile}; wait`;
    // A busy machine may not even start the shell within a short timeout: then try a longer one (bounded).
    let out = await runRestartHook(hook({ command: script, shell: true, timeout: 300 }), async () => "ok", opts());
    for (const timeout of [3000, 30_000]) {
      if (fs.existsSync(pidFile)) break;
      out = await runRestartHook(hook({ command: script, shell: true, timeout }), async () => "ok", opts());
    }
    expect(out.timedOut).toBe(true);
    expect(out.helped).toBe(false);
    expect(out.error).toMatch(/did not finish within \d+ms; its process group was killed/);
    const grandchild = Number(fs.readFileSync(pidFile, "utf8"));
    // Give the kernel a moment to reap it.
    for (let i = 0; i < 500 && alive(grandchild); i++) await sleep(20);
    expect(alive(grandchild)).toBe(false);
    // Ended by its timeout, by the hook's own clock: not when the grandchild's `sleep 120` would have ended.
    expect(out.durationMs).toBeLessThan(120_000);
  });

  it("reports a command that does not exist without re-probing", async () => {
    let probed = false;
    const out = await runRestartHook(
      hook({ command: ["/nonexistent/restart-me"] }),
      async () => {
        probed = true;
        return "ok";
      },
      opts(),
    );
    expect(out.error).toBe("command not found: /nonexistent/restart-me");
    expect(out.helped).toBe(false);
    expect(probed).toBe(false);
  });

  it("redacts secrets from the output it keeps", async () => {
    const out = await runRestartHook(
      hook({ command: ["/bin/echo", "token=s3cr3t-tok"] }),
      async () => "ok",
      opts((s) => s.replaceAll("s3cr3t-tok", "***")),
    );
    expect(out.outputTail).toBe("token=***");
  });
});
