import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/net.js";
import { startSmtp as startFakeSmtp, type FakeSmtp } from "../helpers/vendors/index.js";
import { CLI, cli, listen, tmpDir } from "./field-helpers.js";

// Issue 10: what a Chinese-speaking operator reads, and the smaller ways output could mislead (colour in a pipe,
// a run off an 80-column screen, a deadline that does not say where).
let dir: string;
let hang: FakeSmtp;
beforeAll(async () => {
  dir = tmpDir();
  hang = await startFakeSmtp();
  await hang.setMode("hang");
});
afterAll(async () => {
  await hang.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

describe("zh-CN", () => {
  it(
    "a Chinese check name, Chinese summaries, " +
      "the worst status in a merged subject, a merged recovery headed as one",
    async () => {
      const [a, b] = [await freePort(), await freePort()];
      const file = write(
        "zh.yaml",
        `locale: zh-CN
state_file: ${path.join(dir, "zh-state.json")}
channels:
  out: {type: console}
checks:
  - {name: tts进程, type: tcp, port: ${a}}
  - {name: 语音接口, type: tcp, port: ${b}}
`,
      );
      const down = await cli(["-c", file, "check"]);
      // The console channel prints the message, then the run's table (the operator's own words stay English).
      const message = down.stdout.slice(0, down.stdout.indexOf("CHECK "));
      expect(message).toMatch(/【告警】\S+ 共 2 项检查严重/);
      expect(message).toContain(`127.0.0.1:${a} 拒绝连接（没有进程在监听？）`);
      expect(message).not.toContain("refused the connection");
      const servers = [await listen(a), await listen(b)];
      try {
        const up = await cli(["-c", file, "check"]);
        expect(up.stdout).toMatch(/【恢复】\S+ 共 2 项检查已恢复/);
        expect(up.stdout).not.toMatch(/【告警】.*已恢复/);
      } finally {
        for (const s of servers) s.close();
      }
    },
  );
});

describe("output", () => {
  it("simulate fits 80 columns, with a long name and Chinese text", async () => {
    const file = write(
      "sim.yaml",
      `locale: zh-CN
state_file: ${path.join(dir, "sim-state.json")}
channels:
  email: {type: email, host: 127.0.0.1, from: a@b.c, to: [x@y.z]}
checks:
  - {name: cosyvoice-tts-synthesis-endpoint-语音合成接口-主节点, type: tcp, port: 1}
`,
    );
    const r = await cli(["-c", file, "simulate", "cosyvoice-tts-synthesis-endpoint-语音合成接口-主节点"]);
    expect(r.code).toBe(0);
    // East Asian characters take two columns.
    const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\uffdc]/u.test(ch) ? 2 : 1), 0);
    for (const line of r.stdout.split("\n")) expect({ line, w: width(line) <= 80 }).toEqual({ line, w: true });
  });

  it("NO_COLOR keeps escape codes out of a terminal's status table", () => {
    const file = write(
      "color.yaml",
      `state_file: ${path.join(dir, "color-state.json")}\nchecks:\n  - {name: t, type: tcp, port: 1}\n`,
    );
    spawnSync(process.execPath, [CLI, "-c", file, "check"], { encoding: "utf8" });
    // `script` gives the command a terminal, as a person at a shell has.
    const tty = (env: string) =>
      spawnSync("script", ["-qec", `${env} ${process.execPath} ${CLI} -c ${file} status`, "/dev/null"], {
        encoding: "utf8",
      });
    const colored = tty("");
    if (colored.error) return; // no `script` (util-linux) here
    expect(colored.stdout).toContain("\u001b[");
    expect(tty("NO_COLOR=1").stdout).not.toContain("\u001b[");
  });

  it("a send deadline names host:port and the timeout", async () => {
    const file = write(
      "hang.yaml",
      `state_file: ${path.join(dir, "hang-state.json")}
channels:
  email: {type: email, host: 127.0.0.1, port: ${hang.port}, from: a@b.c, to: [x@y.z], timeout: 1s}
checks:
  - {name: t, type: tcp, port: 1}
`,
    );
    const r = await cli(["-c", file, "check"]);
    expect(r.stderr).toContain(`no answer from 127.0.0.1:${hang.port} within 1s`);
  });
});
