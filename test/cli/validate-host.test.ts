import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// What a probe type needs of the host is that probe's own preflight (exec: its plugin, gpu: nvidia-smi, log: the
// directory of its path); `validate` asks each check's probe and prints what it found as warnings at FILE:LINE:COL.

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-vh-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function config(checks: string): string {
  const file = path.join(dir, `c${fs.readdirSync(dir).length}.yaml`);
  const head = `state_file: ${path.join(dir, "state.json")}\nchannels:\n  c: {type: console}\nchecks:\n`;
  fs.writeFileSync(file, head + checks, { mode: 0o600 });
  return file;
}

describe("validate asks each check's probe what it needs of this host", () => {
  it("warns of a missing plugin, nvidia-smi and log directory, each at its line", async () => {
    const file = config(
      [
        '  - {name: p, type: exec, command: [/nonexistent/check_thing, -w, "1"]}',
        "  - {name: g, type: gpu, nvidia_smi: /nonexistent/nvidia-smi}",
        "  - {name: l, type: log, path: /nonexistent/dir/*.log, patterns: [ERROR]}",
      ].join("\n") + "\n",
    );
    const r = await runCli(["validate", "-c", file]);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("warning: "));
    expect(warnings).toEqual([
      `warning: ${file}:5:36: checks[0].command: /nonexistent/check_thing: plugin not found or not executable here;` +
        ' the check would report "unknown: command not found"',
      `warning: ${file}:6:21: checks[1].type: /nonexistent/nvidia-smi not found on this host; the gpu check would` +
        ' report "unknown"',
      `warning: ${file}:7:32: checks[2].path: directory /nonexistent/dir does not exist here; the check would report` +
        ' "unknown"',
    ]);
  });

  it("finds nothing to say of what is there (a shell command, a readable log directory)", async () => {
    const file = config(
      `  - {name: s, type: exec, shell: true, command: "echo ok"}\n  - {name: l, type: log, path: ${dir}/x.log}\n`,
    );
    const r = await runCli(["validate", "-c", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("warning:");
  });
});
