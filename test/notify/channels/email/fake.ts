import net from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { faultPort } from "../../../helpers/vendors/fault-port.js";

/** SmtpMode: "ok" delivers; "refuse" closes the port; "hang" accepts and never greets; "error" defers RCPT with 451
 * (retryable); "500" answers 421 service unavailable at MAIL FROM (retryable); "reject" refuses RCPT with 550. */
export type SmtpMode = "ok" | "refuse" | "hang" | "error" | "500" | "reject";

/** FakeSmtp is a real SMTP server (smtp-server, plain text with AUTH PLAIN/LOGIN, no STARTTLS) on 127.0.0.1. */
export type FakeSmtp = {
  host: string;
  port: number;
  /** Mails accepted, parsed by mailparser. */
  received: ParsedMail[];
  setMode(mode: SmtpMode): Promise<void>;
  close(): Promise<void>;
};

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });

/**
 * startSmtp starts smtp-server behind a small TCP front that implements the fault modes. With `user`/`pass`, AUTH is
 * required and a wrong password gets 535. An 'error' handler is attached (smtp-server crashes the process without one).
 */
export async function startSmtp(opts: { user?: string; pass?: string } = {}): Promise<FakeSmtp> {
  let mode: SmtpMode = "ok";
  const received: ParsedMail[] = [];
  const smtp = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: opts.user === undefined,
    logger: false,
    socketTimeout: 10_000,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) return cb(null, { user: auth.username });
      cb(smtpError("Invalid username or password", 535));
    },
    onMailFrom(_a, _s, cb) {
      if (mode === "500") return cb(smtpError("Service not available, try again later", 421));
      cb();
    },
    onRcptTo(_a, _s, cb) {
      if (mode === "error") return cb(smtpError("Requested action aborted: local error, try again later", 451));
      if (mode === "reject") return cb(smtpError("Mailbox unavailable", 550));
      cb();
    },
    onData(stream, _s, cb) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          cb();
        })
        .catch((err: Error) => cb(err));
    },
  });
  smtp.on("error", () => {});
  const front = net.createServer((socket) => {
    socket.on("error", () => {});
    if (mode === "hang") return; // accept, never greet
    smtp.server.emit("connection", socket);
  });
  const listening = await faultPort(front);
  const port = listening.port;
  return {
    host: "127.0.0.1",
    port,
    received,
    async setMode(next) {
      await listening.to(next);
      mode = next;
    },
    async close() {
      await listening.close();
      mode = "refuse";
      await new Promise<void>((r) => smtp.close(() => r()));
    },
  };
}
