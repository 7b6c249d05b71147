import fs from "node:fs";
import https from "node:https";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runAsCron } from "../e2e/field-helpers.js";
import { makeCert, OPENSSL, type TlsCert } from "../helpers/tls-cert.js";

// A machine whose clock is behind (an RTC reset, before NTP) sees every certificate as not yet valid; one whose
// clock is ahead sees it expired. Such a send is retried until max_age, and what cron mails names the local clock.
// The built CLI runs as cron runs it; the certificate is trusted through NODE_EXTRA_CA_CERTS.

const T0 = Date.parse("2026-03-01T08:00:00Z");
let dir: string;
let future: TlsCert;
let past: TlsCert;
let good: TlsCert;
beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error("dist/watchdog.cjs is missing: run `npm run build` first");
  if (!OPENSSL) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-tls-clock-"));
  future = makeCert(dir, "20990101000000Z", "21000101000000Z");
  past = makeCert(dir, "20200101000000Z", "20200102000000Z");
  good = makeCert(dir, "20200101000000Z", "20990101000000Z");
  // One bundle: the CA of each server is trusted, so only the dates can fail.
  fs.writeFileSync(path.join(dir, "ca.pem"), Buffer.concat([future.certPem, past.certPem, good.certPem]));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function config(name: string, channel: string): { cfg: string; state: string } {
  const state = path.join(dir, `${name}.state.json`);
  const cfg = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    cfg,
    `state_file: ${state}
channels:
${channel}
escalation:
  - {after: 1, notify: [out]}
checks:
  - {name: llm, type: tcp, port: 1}
`,
  );
  return { cfg, state };
}

const cron = (cfg: string, now: number) =>
  runAsCron(`/usr/bin/node ${CLI} check --config ${cfg} >/dev/null`, {
    WATCHDOG_TEST_NOW: String(now),
    NODE_EXTRA_CA_CERTS: path.join(dir, "ca.pem"),
  });
const outbox = (state: string) => JSON.parse(fs.readFileSync(state, "utf8")).outbox as { lastError: string }[];

describe.skipIf(!OPENSSL)("a certificate the local clock calls not yet valid or expired is retried", () => {
  it.each([
    ["not yet valid", () => future, /not yet valid \(CERT_NOT_YET_VALID\)/],
    ["expired", () => past, /has expired \(CERT_HAS_EXPIRED\)/],
  ])(
    "webhook over HTTPS, certificate %s: kept, named the clock, delivered once the dates fit",
    async (_, cert, code) => {
      const bodies: string[] = [];
      const server = https.createServer({ key: cert().keyPem, cert: cert().certPem }, (req, res) => {
        let b = "";
        req.on("data", (c) => (b += c));
        req.on("end", () => {
          bodies.push(b);
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      try {
        const port = (server.address() as net.AddressInfo).port;
        const { cfg, state } = config(
          `hook-${cert() === future ? "future" : "past"}`,
          `  out:
    type: webhook
    url: https://127.0.0.1:${port}/hook`,
        );
        const first = await cron(cfg, T0);
        expect(first.code).toBe(0);
        expect(first.mail).toMatch(code);
        expect(first.mail).toMatch(/clock/);
        expect(first.mail).toMatch(/kept in the outbox, tried again next run/);
        expect(first.mail).not.toMatch(/dropped/i);
        expect(outbox(state)).toHaveLength(1);
        expect(bodies).toHaveLength(0);
        // The clock is set right (here: the server's certificate is one whose dates fit): the next run delivers it.
        server.setSecureContext({ key: good.keyPem, cert: good.certPem });
        const second = await cron(cfg, T0 + 10 * 60_000);
        expect(second.mail).toBe("");
        expect(outbox(state)).toHaveLength(0);
        expect(bodies.join("\n")).toContain("llm");
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    },
  );

  it.each([
    ["implicit TLS", true],
    ["STARTTLS", false],
  ])(
    "email over %s, certificate not yet valid: kept, named the clock, delivered once the dates fit",
    async (_kind, secure) => {
      const mails: ParsedMail[] = [];
      const smtp = new SMTPServer({
        secure,
        key: future.keyPem,
        cert: future.certPem,
        authOptional: true,
        logger: false,
        onData(stream, _s, cb) {
          simpleParser(stream).then((m) => (mails.push(m), cb()), cb);
        },
      });
      smtp.on("error", () => {});
      await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
      try {
        const port = (smtp.server.address() as net.AddressInfo).port;
        const { cfg, state } = config(
          `smtp-${secure}`,
          `  out:
    type: email
    host: 127.0.0.1
    port: ${port}
    secure: ${secure}
    require_tls: ${!secure}
    from: alert@example.com
    to: [ops@example.com]`,
        );
        const first = await cron(cfg, T0);
        expect(first.mail).toMatch(/FAILED to send to out \(llm\).*not yet valid \(CERT_NOT_YET_VALID\)/);
        expect(first.mail).toMatch(/clock/);
        expect(first.mail).toMatch(/kept in the outbox, tried again next run/);
        expect(outbox(state)).toHaveLength(1);
        smtp.updateSecureContext({ key: good.keyPem, cert: good.certPem });
        const second = await cron(cfg, T0 + 10 * 60_000);
        expect(second.mail).toBe("");
        expect(outbox(state)).toHaveLength(0);
        expect(mails).toHaveLength(1);
        expect(mails[0]!.subject).toContain("llm");
      } finally {
        await new Promise<void>((r) => smtp.close(() => r()));
      }
    },
  );
});
