import net from "node:net";
import { z } from "zod";
import { duration } from "../core/fields.js";
import { defineProbe } from "./types.js";
import { monotonicMs } from "../core/monotonic.js";

/** tcpConfigSchema is a `type: tcp` check: does host:port accept a connection. */
export const tcpConfigSchema = z.strictObject({
  type: z.literal("tcp"),
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(1).max(65535),
  timeout: duration.default(5000),
});
export type TcpConfig = z.infer<typeof tcpConfigSchema>;

/** tcpProbe connects to host:port and closes at once. */
export const tcpProbe = defineProbe(tcpConfigSchema, {
  run(cfg, { signal }) {
    const target = `${cfg.host}:${cfg.port}`;
    const started = monotonicMs();
    return new Promise((resolve) => {
      const socket = net.connect({ host: cfg.host, port: cfg.port });
      const timer = setTimeout(
        () => finish("critical", `${target} did not accept a connection within ${cfg.timeout}ms`),
        cfg.timeout,
      );
      const onAbort = () => finish("critical", `${target}: probe deadline reached before connecting`);
      signal.addEventListener("abort", onAbort, { once: true });
      socket.once("connect", () => {
        const ms = Math.round(monotonicMs() - started);
        finish("ok", `${target} accepted the connection in ${ms}ms`, { connect_ms: ms });
      });
      socket.once("error", (err: NodeJS.ErrnoException) => {
        finish("critical", `${target} ${describeSocketError(err)}`);
      });
      function finish(status: "ok" | "critical", summary: string, metrics?: Record<string, number>) {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        socket.destroy();
        resolve(metrics ? { status, summary, metrics } : { status, summary });
      }
    });
  },
});

/** describeSocketError says in words why a connection failed. */
export function describeSocketError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ECONNREFUSED":
      return "refused the connection (nothing listening?)";
    case "ECONNRESET":
      return "reset the connection";
    case "EHOSTUNREACH":
      return "is unreachable (EHOSTUNREACH)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `could not be resolved (${err.code})`;
    case "ETIMEDOUT":
      return "timed out (ETIMEDOUT)";
    default:
      return `failed: ${err.code ?? err.message}`;
  }
}
