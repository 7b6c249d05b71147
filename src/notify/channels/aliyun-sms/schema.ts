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
  access_key_id: z.string().min(1).describe("The AccessKey id of a RAM user with AliyunDysmsFullAccess (a secret)."),
  access_key_secret: z
    .string()
    .min(1)
    .describe("Its AccessKey secret: write ${VAR}, or access_key_secret_file with a file's path."),
  sign_name: z.string().min(1).describe("Your approved signature (签名), e.g. 阿里云."),
  template_code: z.string().min(1).describe("Your approved notification template (通知模板), e.g. SMS_153055065."),
  phone_numbers: phoneList.describe("Who gets the SMS: one number or a list (digits, optionally with +86)."),
  template_params: z
    .record(z.string(), z.string())
    .default({ host: "host", check: "check", status: "status", summary: "summary" })
    .describe(
      "Template variable → message field (host, check, status, summary, reason, streak, since, cause, count, id, " +
        "subject, outage); another value is sent as written.",
    ),
  param_max_length: z
    .number()
    .int()
    .min(1)
    .default(20)
    .describe("Each variable is cut to this many characters (the vendor's limit for notification variables)."),
  endpoint: z
    .string()
    .min(1)
    .default("dysmsapi.aliyuncs.com")
    .describe("The SMS API's host; a URL such as http://127.0.0.1:8080 points it elsewhere."),
  region_id: z
    .string()
    .min(1)
    .default("cn-hangzhou")
    .describe("The Aliyun region of the SMS service (the SDK's regionId)."),
  daily_limit: z
    .number()
    .int()
    .min(1)
    .default(20)
    .describe(
      "At most this many SMS a day; past it the alerts go to `fallback`, and one notice to the other channels.",
    ),
});
export type AliyunSmsConfig = z.infer<typeof aliyunSmsConfigSchema>;
