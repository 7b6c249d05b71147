import net from "node:net";
import { z } from "zod";
import { duration } from "../../core/fields.js";
import { socketPart } from "../socket.js";
import { defineProbe, say, type PartOf } from "../types.js";
import { words } from "./words.js";
import { monotonicMs } from "../../core/monotonic.js";

/** tcpConfigSchema is a `type: tcp` check: does host:port accept a connection. */
export const tcpConfigSchema = z.strictObject({
  type: z.literal("tcp"),
  host: z.string().min(1).default("127.0.0.1").describe("The host to connect to: a name or an IP address."),
  port: z.number().int().min(1).max(65535).describe("The port that must accept a connection."),
  timeout: duration.default(5000).describe("No connection within this (default 5s) is critical."),
});
export type TcpConfig = z.infer<typeof tcpConfigSchema>;

/** tcpProbe connects to host:port and closes at once. */
export const tcpProbe = defineProbe(tcpConfigSchema, {
  words,
  port: (cfg) => cfg.port,
  host: (cfg) => cfg.host,
  run(cfg, { signal }) {
    const target = `${cfg.host}:${cfg.port}`;
    const started = monotonicMs();
    return new Promise((resolve) => {
      const socket = net.connect({ host: cfg.host, port: cfg.port });
      const timer = setTimeout(
        () => finish("critical", [{ key: "noAccept", values: { target, ms: cfg.timeout } }]),
        cfg.timeout,
      );
      const onAbort = () => finish("critical", [{ key: "deadline", values: { target } }]);
      signal.addEventListener("abort", onAbort, { once: true });
      socket.once("connect", () => {
        const ms = Math.round(monotonicMs() - started);
        finish("ok", [{ key: "accepted", values: { target, ms } }], { connect_ms: ms });
      });
      socket.once("error", (err: NodeJS.ErrnoException) => {
        finish("critical", [{ key: "target", values: { target } }, socketPart(err)]);
      });
      function finish(status: "ok" | "critical", parts: PartOf<typeof words>[], metrics?: Record<string, number>) {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        socket.destroy();
        resolve({ status, ...say(words, parts), ...(metrics ? { metrics } : {}) });
      }
    });
  },
});
