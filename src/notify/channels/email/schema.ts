import { z } from "zod";
import { duration, stringList } from "../../../core/fields.js";

/** emailConfigSchema is a `type: email` channel: SMTP through nodemailer. */
export const emailConfigSchema = z.strictObject({
  type: z.literal("email"),
  host: z.string().min(1).describe("The SMTP server, e.g. smtp.example.com."),
  port: z.number().int().min(1).max(65535).optional().describe("The SMTP port; default 465 with `secure`, else 587."),
  secure: z
    .boolean()
    .optional()
    .describe(
      "true: implicit TLS (port 465, its default there); otherwise STARTTLS is used when the server offers it.",
    ),
  require_tls: z.boolean().default(false).describe("Refuse to send when the server does not offer STARTTLS."),
  insecure: z.boolean().default(false).describe("true: skip TLS certificate verification (a self-signed server)."),
  user: z.string().optional().describe("The SMTP login; without it no authentication is tried."),
  pass: z
    .string()
    .optional()
    .describe("The SMTP password: write ${VAR}, or pass_file with a file's path (best under cron)."),
  from: z.string().min(1).describe("The sender, e.g. `watchdog <alert@example.com>`."),
  to: stringList.pipe(z.array(z.string().min(3)).min(1)).describe("One recipient address or a list."),
  connection_timeout: duration.default(10_000).describe("How long to wait for the connection (default 10s)."),
  greeting_timeout: duration
    .default(10_000)
    .describe("How long to wait for the server's greeting once connected (default 10s)."),
  socket_timeout: duration.default(20_000).describe("How long the connection may stay silent (default 20s)."),
});
export type EmailConfig = z.infer<typeof emailConfigSchema>;
