import { z } from "zod";
import { duration, stringList } from "../../core/fields.js";
import { cjs } from "../../lazy.js";
import { renderText } from "../render.js";
import { clockTlsFailure } from "../tls-clock.js";
import { fail, type Channel, type ChannelContext, type SendOutcome } from "../types.js";

/** emailConfigSchema is a `type: email` channel: SMTP through nodemailer. */
export const emailConfigSchema = z.strictObject({
  type: z.literal("email"),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  /** Implicit TLS (port 465). Without it, STARTTLS is used when the server offers it. */
  secure: z.boolean().optional(),
  require_tls: z.boolean().default(false),
  insecure: z.boolean().default(false),
  user: z.string().optional(),
  pass: z.string().optional(),
  from: z.string().min(1),
  to: stringList.pipe(z.array(z.string().min(3)).min(1)),
  connection_timeout: duration.default(10_000),
  greeting_timeout: duration.default(10_000),
  socket_timeout: duration.default(20_000),
});
export type EmailConfig = z.infer<typeof emailConfigSchema>;

/** buildEmail is the pure part: the nodemailer message for a watchdog message. */
export function buildEmail(cfg: EmailConfig, subject: string, text: string) {
  return { from: cfg.from, to: cfg.to, subject, text };
}

/** createEmailChannel sends plain-text UTF-8 mail; nodemailer is loaded on the first send. */
export function createEmailChannel(cfg: EmailConfig, ctx: ChannelContext): Channel {
  return {
    name: ctx.name,
    type: "email",
    async send(message, signal) {
      const { subject, text } = renderText(message, ctx.locale);
      const nodemailer = cjs(await import("nodemailer"));
      const transport = nodemailer.createTransport({
        host: cfg.host,
        port: cfg.port,
        secure: cfg.secure,
        requireTLS: cfg.require_tls,
        auth: cfg.user !== undefined ? { user: cfg.user, pass: cfg.pass ?? "" } : undefined,
        connectionTimeout: cfg.connection_timeout,
        greetingTimeout: cfg.greeting_timeout,
        socketTimeout: cfg.socket_timeout,
        tls: { rejectUnauthorized: !cfg.insecure },
      });
      const onAbort = () => transport.close();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        const info = await transport.sendMail({
          ...buildEmail(cfg, subject, text),
          messageId: `<${message.id}@watchdog>`,
        });
        if (info.accepted.length === 0) return fail("client", false, `no recipient accepted: ${info.response}`);
        return { ok: true, id: info.messageId, response: info.response };
      } catch (err) {
        if (signal.aborted) return fail("timeout", true, "send deadline reached");
        return classifySmtpError(err as SmtpError);
      } finally {
        signal.removeEventListener("abort", onAbort);
        transport.close();
      }
    },
  };
}

type SmtpError = Error & {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  originalCode?: string;
};

/**
 * classifySmtpError maps nodemailer errors to retryable or permanent.
 * Network trouble, 4xx replies and certificate dates (a wrong local clock) are retryable; auth failures, 5xx replies
 * and other certificate errors are not.
 * See nodemailer errors.js isTransientError / isPermanentResponseCode.
 */
export function classifySmtpError(err: SmtpError): SendOutcome {
  const code = err.code ?? "";
  const original = err.originalCode ?? "";
  const rc = err.responseCode;
  const reply = (err.response ?? err.message).split("\n")[0] ?? "";
  const clock = clockTlsFailure(original, "");
  if (clock) return clock;
  if (/^(CERT_|ERR_SSL|ERR_TLS|DEPTH_|SELF_SIGNED|UNABLE_)/.test(original)) {
    return fail(
      "config",
      false,
      `TLS problem (${original})`,
      "check `secure`/port, or the server's certificate; `insecure: true` skips verification",
    );
  }
  if (code === "EAUTH" || rc === 535 || rc === 534) {
    return fail(
      "auth",
      false,
      `SMTP authentication failed: ${reply}`,
      "check `user` and `pass` (many providers want an app password)",
    );
  }
  if (code === "ETIMEDOUT") return fail("timeout", true, `SMTP server timed out: ${reply}`);
  if (code === "ECONNECTION" || code === "ESOCKET" || code === "EDNS") {
    return fail("network", true, `cannot reach the SMTP server: ${original || code} ${reply}`.trim());
  }
  if (rc !== undefined && rc >= 400 && rc < 500) return fail("server", true, `SMTP server deferred: ${reply}`);
  if (rc !== undefined && rc >= 500) return fail("client", rc === 503, `SMTP server refused: ${reply}`);
  if (code === "ECONFIG" || code === "EENVELOPE") return fail("config", false, `bad message or addresses: ${reply}`);
  return fail("network", true, `${code || "error"}: ${reply}`);
}
