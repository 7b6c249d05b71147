import net from "node:net";
import { describe, expect, it } from "vitest";
import { summaryIn } from "../../src/notify/summary.js";
import { runProbe } from "../../src/probes/run.js";
import { createDeps } from "../../src/deps.js";
import { silentLogger } from "../../src/logger.js";

const deps = createDeps(silentLogger());
const signal = new AbortController().signal;

/** closedPort is a port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe("summaryIn words a probe's structured summary in the locale", () => {
  it("tcp: the English summary as the probe wrote it, the Chinese from the probe's words", async () => {
    const port = await closedPort();
    const check = { name: "tts", type: "tcp", host: "127.0.0.1", port, timeout: 2000 };
    const { result } = await runProbe(check, undefined, deps, signal);
    expect(result.said?.type).toBe("tcp");
    expect(summaryIn(result, "en")).toBe(`127.0.0.1:${port} refused the connection (nothing listening?)`);
    expect(summaryIn(result, "zh-CN")).toBe(`127.0.0.1:${port} 拒绝连接（没有进程在监听？）`);
  });

  it("system: several findings joined in each locale's punctuation", async () => {
    const check = {
      name: "host",
      type: "system",
      disk: { paths: ["/"], warning: 0, critical: 100 },
      memory: { warning: 0, critical: 100 },
      load: false,
    };
    const { result } = await runProbe(check, undefined, deps, signal);
    expect(summaryIn(result, "en")).toMatch(/^disk \/ [\d.]+% \(warning at 0%\), memory [\d.]+% \(warning at 0%\)$/);
    expect(summaryIn(result, "zh-CN")).toMatch(/^磁盘 \/ [\d.]+%（超过警告阈值 0%），内存 [\d.]+%（超过警告阈值 0%）$/);
  });

  it("falls back to the summary as written: no structured form, an unknown probe or phrase, a malformed one", () => {
    const summary = "probe failed: no probe for type nope";
    expect(summaryIn({ summary }, "zh-CN")).toBe(summary);
    expect(summaryIn({ summary, said: { type: "nope", parts: [{ key: "refused" }] } }, "zh-CN")).toBe(summary);
    expect(summaryIn({ summary, said: { type: "tcp", parts: [{ key: "nope" }] } }, "zh-CN")).toBe(summary);
    expect(summaryIn({ summary, said: { type: "tcp", parts: "x" as never } }, "zh-CN")).toBe(summary);
    expect(summaryIn({ summary, said: { type: "tcp", parts: [null as never] } }, "zh-CN")).toBe(summary);
  });

  it("a result's values come through the runner without terminal control sequences", async () => {
    const check = { name: "p", type: "process", comm: "\u001b[31mnoproc", min: 1 };
    const { result } = await runProbe(check, undefined, deps, signal);
    expect(JSON.stringify(result.said)).not.toContain("\u001b");
    expect(summaryIn(result, "zh-CN")).toMatch(/^没有进程匹配 /);
  });
});
