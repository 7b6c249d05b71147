import { z } from "zod";

const phone = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\+?\d{5,20}$/, "a phone number: digits, optionally with +86"));
/** phoneList is one phone number or a list (YAML may read them as numbers). */
const phoneList = z.union([phone.transform((p) => [p]), z.array(phone).min(1)]);

/** aliyunSmsConfigSchema is a `type: aliyun-sms` channel. */
export const aliyunSmsConfigSchema = z.strictObject({
  type: z.literal("aliyun-sms"),
  access_key_id: z.string().min(1),
  access_key_secret: z.string().min(1),
  /** The approved signature (签名), e.g. 阿里云. */
  sign_name: z.string().min(1),
  /** The approved template, e.g. SMS_15305xxxx. */
  template_code: z.string().min(1),
  phone_numbers: phoneList,
  /** Template variable → message field (host, check, status, summary, reason, streak, since, cause, count, id). */
  template_params: z
    .record(z.string(), z.string())
    .default({ host: "host", check: "check", status: "status", summary: "summary" }),
  /** Each variable is cut to this many characters (the vendor's limit for notification variables). */
  param_max_length: z.number().int().min(1).default(20),
  /** Default the public endpoint; a URL such as http://127.0.0.1:8080 points it elsewhere. */
  endpoint: z.string().min(1).default("dysmsapi.aliyuncs.com"),
  region_id: z.string().min(1).default("cn-hangzhou"),
  /** At most this many SMS per day; past it, one notice on the other channels. */
  daily_limit: z.number().int().min(1).default(20),
});
export type AliyunSmsConfig = z.infer<typeof aliyunSmsConfigSchema>;
