import http from "node:http";

/** MAX_CONNECTIONS caps the daemon's HTTP connections: Prometheus needs one or two, the rest are closed at accept. */
export const MAX_CONNECTIONS = 64;
/** A request must send its headers within this, and finish within REQUEST_TIMEOUT_MS (no slow-loris holding fds). */
export const HEADERS_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * createLimitedServer is the daemon's HTTP server (/metrics, /healthz), bounded so that other local users cannot take
 * the daemon's file descriptors: with systemd's default of 1,024, a thousand half-open connections used to leave
 * every run failing with EMFILE (no state saved, no alert sent). At most MAX_CONNECTIONS sockets are held; a socket
 * that sends nothing or too slowly is closed after the timeouts, checked every second (Node's default is 30 s).
 */
export function createLimitedServer(handler: http.RequestListener): http.Server {
  const options: http.ServerOptions = {
    connectionsCheckingInterval: 1_000,
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: 5_000,
  };
  const server = http.createServer(options, handler);
  server.maxConnections = MAX_CONNECTIONS;
  // A connected socket that sends nothing at all is idle, not a request: the idle timeout closes it.
  server.timeout = REQUEST_TIMEOUT_MS;
  server.maxRequestsPerSocket = 100;
  // An error on one client socket (reset, malformed request) must never reach the process.
  server.on("clientError", (_err, socket) => socket.destroy());
  return server;
}
