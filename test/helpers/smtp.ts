import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

/** SmtpSink is a real SMTP server on 127.0.0.1 that keeps every message it accepts, parsed. */
export type SmtpSink = { port: number; mails: ParsedMail[]; close(): Promise<void> };

/** startSmtp starts smtp-server without TLS; `auth` makes it require that user and password. */
export async function startSmtp(opts: { auth?: { user: string; pass: string }; extra?: Partial<SMTPServerOptions> } = {}): Promise<SmtpSink> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: opts.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error("Authentication credentials invalid"), { responseCode: 535 }));
    },
    onData(stream, _session, cb) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          cb();
        },
        (err) => cb(err),
      );
    },
    ...opts.extra,
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
