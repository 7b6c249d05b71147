import { z } from "zod";
import { duration, stringList } from "../../../core/fields.js";

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
