import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { CheckConfig } from "../../src/config/schema.js";
import { sendHeartbeat } from "../../src/exporters/heartbeat.js";
import { dueChecks, nextDue } from "../../src/daemon/loop.js";
import { silentLogger } from "../../src/logger.js";
import { freePort as closedPort } from "../helpers/net.js";

const T0 = 1_700_000_000_000;
const check = (name: string, interval?: number) =>
  ({ name, ...(interval ? { interval } : {}) }) as unknown as CheckConfig;

describe("dueChecks (daemon per-check intervals)", () => {
  const config = { interval: 30_000, checks: [check("fast", 5_000), check("normal"), check("slow", 300_000)] };
  it.each([
    // Never probed: everything is due.
    { last: {}, now: T0, due: ["fast", "normal", "slow"] },
    // All probed at T0; 5s later only the 5s check is due.
    { last: { fast: T0, normal: T0, slow: T0 }, now: T0 + 5_000, due: ["fast"] },
    // 30s later the global interval has passed too; the 5m check waits.
    { last: { fast: T0 + 25_000, normal: T0, slow: T0 }, now: T0 + 30_000, due: ["fast", "normal"] },
    { last: { fast: T0, normal: T0, slow: T0 }, now: T0 + 300_000, due: ["fast", "normal", "slow"] },
  ])("now=$now", ({ last, now, due }) => {
    expect(dueChecks(config, new Map(Object.entries(last)), now)).toEqual(due);
  });

  it("nextDue is the earliest next probe", () => {
    expect(
      nextDue(
        config,
        new Map([
          ["fast", T0],
          ["normal", T0],
          ["slow", T0],
        ]),
      ),
    ).toBe(T0 + 5_000);
  });
});

describe("sendHeartbeat", () => {
  let server: http.Server | undefined;
  afterEach(() => server?.close());

  function logger() {
    const warnings: string[] = [];
    const log = silentLogger();
    log.warn = ((_o: unknown, msg: string) => void warnings.push(msg)) as typeof log.warn;
    return { log, warnings };
  }

  it("GETs the URL after a run", async () => {
    const hits: string[] = [];
    server = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.end("OK");
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const { log, warnings } = logger();
    await sendHeartbeat(
      { heartbeat: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping/abc`, timeout: 2000 } },
      { logger: log },
    );
    expect(hits).toEqual(["GET /ping/abc"]);
    expect(warnings).toEqual([]);
  });

  it.each([
    // An HTTP error is logged with its status.
    { mode: "500", want: /heartbeat answered HTTP 500/ },
    // A server that never answers hits the timeout.
    { mode: "hang", want: /heartbeat failed: timeout/ },
    // Nothing listening: the connection error is logged.
    { mode: "closed", want: /heartbeat failed: ECONNREFUSED/ },
  ])("logs and never throws: $mode", async ({ mode, want }) => {
    let port = await closedPort();
    if (mode !== "closed") {
      server = http.createServer((_req, res) => {
        if (mode === "500") {
          res.statusCode = 500;
          res.end();
        }
      });
      await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
      port = (server.address() as AddressInfo).port;
    }
    const { log, warnings } = logger();
    await expect(
      sendHeartbeat({ heartbeat: { url: `http://127.0.0.1:${port}/`, timeout: 300 } }, { logger: log }),
    ).resolves.toBeUndefined();
    expect(warnings.join("\n")).toMatch(want);
    server?.closeAllConnections();
  });
});
