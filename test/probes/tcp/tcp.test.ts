import net from "node:net";
import { describe, expect, it } from "vitest";
import { tcpProbe } from "../../../src/probes/tcp/index.js";
import { createDeps } from "../../../src/deps.js";
import { silentLogger } from "../../../src/logger.js";

const ctx = () => ({ deps: createDeps(silentLogger()), signal: new AbortController().signal, memory: undefined });

describe("tcp probe", () => {
  it("is ok when the port accepts, with the connect time as a metric", async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await tcpProbe.run({ type: "tcp", host: "127.0.0.1", port, timeout: 2000 }, ctx());
      expect(r.status).toBe("ok");
      expect(r.summary).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port} accepted the connection in \\d+ms$`));
      expect(r.metrics?.connect_ms).toBeGreaterThanOrEqual(0);
    } finally {
      server.close();
    }
  });

  it("is critical when nothing listens", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const r = await tcpProbe.run({ type: "tcp", host: "127.0.0.1", port, timeout: 2000 }, ctx());
    expect(r).toEqual({
      status: "critical",
      summary: `127.0.0.1:${port} refused the connection (nothing listening?)`,
      said: [{ key: "target", values: { target: `127.0.0.1:${port}` } }, { key: "refused" }],
    });
  });

  it("names an unresolvable host", async () => {
    const r = await tcpProbe.run({ type: "tcp", host: "no-such-host.invalid", port: 80, timeout: 2000 }, ctx());
    expect(r.status).toBe("critical");
    expect(r.summary).toMatch(/no-such-host\.invalid:80 could not be resolved/);
  });

  it("gives up at the deadline signal", async () => {
    const ctl = new AbortController();
    ctl.abort();
    // 192.0.2.0/24 is never routed, but the abort comes first: no packet needs to leave this machine.
    const r = await tcpProbe.run(
      { type: "tcp", host: "127.0.0.1", port: 9, timeout: 2000 },
      { ...ctx(), signal: ctl.signal },
    );
    expect(r.status).toBe("critical");
  });
});
