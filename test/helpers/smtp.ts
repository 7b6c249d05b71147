import type { ParsedMail } from "mailparser";
import { startSmtp as startFakeSmtp } from "./vendors/smtp.js";

/**
 * SmtpSink is a real SMTP server on 127.0.0.1 that keeps every message it accepts, parsed (vendors/smtp.ts, mode "ok").
 */
export type SmtpSink = { port: number; mails: ParsedMail[]; close(): Promise<void> };

/** startSmtp starts the fake vendor SMTP server; `auth` makes it require that user and password (535 otherwise). */
export async function startSmtp(opts: { auth?: { user: string; pass: string } } = {}): Promise<SmtpSink> {
  const smtp = await startFakeSmtp(opts.auth ?? {});
  return { port: smtp.port, mails: smtp.received, close: () => smtp.close() };
}
