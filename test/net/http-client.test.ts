import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpError, httpOpen, httpRequest } from "../../src/net/http-client.js";
import { createWebhookChannel } from "../../src/notify/channels/webhook/index.js";
import { webhookConfigSchema } from "../../src/notify/channels/webhook/schema.js";
import { runCli } from "../helpers/cli.js";
import { freePort } from "../helpers/net.js";
import { ctx, deadline, message } from "../notify/fixtures.js";

// Ports on fetch's "bad port" list (the Fetch standard's port blocking): fetch refuses them before connecting.
const BAD_PORTS = [10080, 6666, 6667, 6665, 6668, 6669, 6000, 6697, 4190, 5060];

type Hit = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };

/** serve starts a server on 127.0.0.1 that records each request and answers with `answer`. */
async function serve(answer: (req: http.IncomingMessage, res: http.ServerResponse, hit: Hit) => void, port = 0) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const hit = { method: req.method!, url: req.url!, headers: req.headers, body };
      hits.push(hit);
      answer(req, res, hit);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((r) => server.close(() => r()));
  return { server, hits, url, close };
}

/** serveOnBadPort starts a recording server on the first port of BAD_PORTS that is free here. */
async function serveOnBadPort() {
  for (const port of BAD_PORTS) {
    try {
      return await serve((_req, res) => res.end("OK"), port);
    } catch {
      // In use on this host: the next port of the list.
    }
  }
  throw new Error(`none of the ports ${BAD_PORTS.join(", ")} is free`);
}

let dir = "";
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "http-client-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("ports that fetch refuses", () => {
  it("a heartbeat on such a port is pinged after a run (through the CLI)", async () => {
    const hb = await serveOnBadPort();
    try {
      // The premise: fetch will not even try this port.
      await expect(fetch(`${hb.url}/hb`)).rejects.toThrow();
      expect(hb.hits).toEqual([]);
      const file = path.join(dir, "hb.yaml");
      fs.writeFileSync(
        file,
        `state_file: ${dir}/state/state.json\nheartbeat: {url: "${hb.url}/hb/uuid-123"}\n` +
          "channels: {out: {type: console}}\nescalation: [{after: 1, notify: [out]}]\n" +
          `checks:\n  - {name: svc, type: tcp, host: 127.0.0.1, port: ${new URL(hb.url).port}}\n`,
      );
      const r = await runCli(["check", "--config", file], { env: { HOME: dir, WATCHDOG_CONFIG: "" } });
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain("heartbeat failed");
      expect(hb.hits.map((h) => `${h.method} ${h.url}`)).toEqual(["GET /hb/uuid-123"]);
    } finally {
      await hb.close();
    }
  });

  it("a webhook on such a port gets the message", async () => {
    const hook = await serveOnBadPort();
    try {
      const cfg = webhookConfigSchema.parse({ type: "webhook", url: `${hook.url}/hook` });
      const ch = createWebhookChannel(cfg, ctx("hook"));
      expect(await ch.send(message("hook"), deadline())).toMatchObject({ ok: true });
      expect(JSON.parse(hook.hits[0]!.body)).toMatchObject({ id: "mwt1abc-hook" });
    } finally {
      await hook.close();
    }
  });
});

describe("httpRequest", () => {
  it("follows redirects only when asked, by fetch's rules, and drops the token on another origin", async () => {
    const other = await serve((_req, res) => res.end("there"));
    const main = await serve((req, res) => {
      if (req.url === "/moved") res.writeHead(302, { location: "/here" }).end();
      else if (req.url === "/see-other") res.writeHead(303, { location: `${other.url}/result` }).end();
      else res.end("here");
    });
    try {
      const kept = await httpRequest(`${main.url}/moved`, { method: "POST", body: "x" });
      expect(kept.status).toBe(302);
      const followed = await httpRequest(`${main.url}/moved`, { redirects: 5 });
      expect([followed.status, followed.body.toString(), followed.url.pathname]).toEqual([200, "here", "/here"]);
      const auth = { authorization: "Bearer SECRET", "x-kept": "yes" };
      const post = { method: "POST", body: "{}", headers: auth, redirects: 5 };
      const seen = await httpRequest(`${main.url}/see-other`, post);
      expect(seen.body.toString()).toBe("there");
      // A 303 goes on as a GET without the body; the other origin gets no authorization header.
      expect(other.hits[0]).toMatchObject({ method: "GET", url: "/result", body: "" });
      expect(other.hits[0]!.headers.authorization).toBeUndefined();
      expect(other.hits[0]!.headers["x-kept"]).toBe("yes");
    } finally {
      await Promise.all([main.close(), other.close()]);
    }
  });

  it("keeps at most maxBody bytes of the answer and counts them all", async () => {
    const big = await serve((_req, res) => res.end("x".repeat(100_000)));
    try {
      const res = await httpRequest(big.url, { maxBody: 1000 });
      expect([res.body.length, res.bytes]).toEqual([1000, 100_000]);
    } finally {
      await big.close();
    }
  });

  it("says whose deadline ended it: its own timeout, or the caller's signal", async () => {
    const hang = await serve(() => undefined);
    try {
      const own = await httpRequest(hang.url, { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(own).toBeInstanceOf(HttpError);
      expect(own).toMatchObject({ kind: "timeout", message: "gave no complete answer within 200ms" });
      const late = { signal: AbortSignal.timeout(200), timeoutMs: 60_000 };
      const theirs = await httpRequest(hang.url, late).catch((e) => e);
      expect(theirs).toMatchObject({ kind: "aborted" });
    } finally {
      hang.server.closeAllConnections();
      await hang.close();
    }
  });

  it("a body that stalls after the head is a timeout, even one only the connection's close would end", async () => {
    // HTTP/1.0 with no length (Python's http.server): cutting the connection looks like the end of the body.
    const trickle = await serve((_req, res) => {
      res.socket!.write("HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nx");
    });
    try {
      const err = await httpRequest(trickle.url, { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect(err).toMatchObject({ kind: "timeout", status: 200 });
      expect((err as Error).message).toBe("answered 200, but the body was not complete within 200ms");
    } finally {
      trickle.server.closeAllConnections();
      await trickle.close();
    }
  });

  it("names a failure by Node's code, never by the URL (tokens live in paths and queries)", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/robot/SECRET-TOKEN?access_token=SECRET-TOKEN`;
    const err = await httpRequest(url).catch((e) => e);
    expect(err).toMatchObject({ kind: "network", code: "ECONNREFUSED" });
    expect(`${err.message} ${err.stack}`).not.toContain("SECRET-TOKEN");
    expect(await httpRequest("ftp://h/x").catch((e) => e)).toMatchObject({ kind: "url" });
    const bad = await httpRequest("not a url SECRET-TOKEN").catch((e) => e);
    expect(bad).toMatchObject({ kind: "url", message: "invalid URL" });
  });
});

describe("httpOpen", () => {
  it("hands over the body piece by piece, before the server has finished (server-sent events)", async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    let ended = false;
    const sse = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      // The second event only after the client has the first; a safety timer ends a broken test.
      const safety = setTimeout(release, 10_000);
      void released.then(() => {
        clearTimeout(safety);
        ended = true;
        res.end("data: [DONE]\n\n");
      });
    });
    try {
      const res = await httpOpen(sse.url, { method: "POST", body: "{}" });
      expect(res.status).toBe(200);
      const got: string[] = [];
      for await (const chunk of res.body) {
        got.push(`${ended ? "after" : "before"} end: ${chunk.toString().trim()}`);
        release();
      }
      expect(got).toEqual(["before end: data: first", "after end: data: [DONE]"]);
    } finally {
      await sse.close();
    }
  });
});
