import type { EmailConfig } from "./schema.js";

/** buildEmail is the pure part: the nodemailer message for a watchdog message. */
export function buildEmail(cfg: EmailConfig, subject: string, text: string) {
  return { from: cfg.from, to: cfg.to, subject, text };
}
