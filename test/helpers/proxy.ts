import http from "node:http";
import net from "node:net";

/** Passed is one request a proxy carried: CONNECT host:port (https) or the absolute URI (http). */
export type Passed = { method: string; target: string; auth: string | undefined };

/** TestProxy is a forward proxy on 127.0.0.1 that records what passed through it. */
export type TestProxy = { url: string; port: number; passed: Passed[]; close(): Promise<void> };

/**
 * startProxy starts an HTTP forward proxy on 127.0.0.1:0, as squid or tinyproxy behave: absolute-URI requests are
 * forwarded, CONNECT opens a tunnel. With `auth` ("user:pass"), requests without that Proxy-Authorization get 407.
 * Each connection ends with its request: nothing outlives the test.
 */
export async function startProxy(opts: { auth?: string } = {}): Promise<TestProxy> {
  const passed: Passed[] = [];
  const want = opts.auth && `Basic ${Buffer.from(opts.auth).toString("base64")}`;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const auth = req.headers["proxy-authorization"];
    passed.push({ method: req.method ?? "", target: req.url ?? "", auth });
    // Refused credentials are echoed back, as some proxies' error pages do.
    if (want && auth !== want) return void res.writeHead(407, { "proxy-authenticate": "Basic" }).end(`denied: ${auth}`);
    const target = new URL(req.url ?? "");
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    const up = http.request(target, { method: req.method, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const auth = req.headers["proxy-authorization"];
    passed.push({ method: "CONNECT", target: req.url ?? "", auth });
    if (want && auth !== want) return void client.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
    const [host, port] = (req.url ?? "").split(/:(?=\d+$)/);
    const up = net.connect(Number(port), host!, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.on("error", () => client.destroy());
    client.on("error", () => up.destroy());
  });
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://${opts.auth ? `${opts.auth}@` : ""}127.0.0.1:${port}`,
    port,
    passed,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
