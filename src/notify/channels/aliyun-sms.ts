import { z } from "zod";
import type { Message } from "../../engine/types.js";
import { cjs } from "../../lazy.js";
import { classifyNetworkError } from "../http.js";
import { createRedactor } from "../redact.js";
import { smsParams } from "../render.js";
import { fail, type Channel, type ChannelContext, type Locale, type SendOutcome } from "../types.js";

// Aliyun SMS SendSms (2017-05-25) through the official SDK, loaded on the first send (~300 ms, 33 MB of dependencies).
// API: https://help.aliyun.com/document_detail/419273.html
// Error codes: https://help.aliyun.com/document_detail/101346.html
// Wire contract: docs/vendors.md §4.

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

type Verdict = {
  reason: "auth" | "rate_limited" | "client" | "server" | "config" | "provider_code";
  retryable: boolean;
  hint: string;
};

/** ALIYUN_CODES maps the common Code values to a verdict and a hint. */
export const ALIYUN_CODES: Record<string, Verdict> = {
  "isv.BUSINESS_LIMIT_CONTROL": {
    reason: "rate_limited",
    retryable: true,
    hint: "Aliyun flow control (per number per minute/hour/day): retried later",
  },
  "isv.DAY_LIMIT_CONTROL": {
    reason: "rate_limited",
    retryable: false,
    hint: "the daily volume cap set in the Aliyun console is reached",
  },
  "isv.MONTH_LIMIT_CONTROL": {
    reason: "rate_limited",
    retryable: false,
    hint: "the monthly volume cap set in the Aliyun console is reached",
  },
  "isv.AMOUNT_NOT_ENOUGH": {
    reason: "config",
    retryable: false,
    hint: "the Aliyun account balance is too low: top up",
  },
  "isv.OUT_OF_SERVICE": {
    reason: "config",
    retryable: false,
    hint: "the Aliyun account is suspended (arrears): top up",
  },
  "isv.MOBILE_NUMBER_ILLEGAL": { reason: "config", retryable: false, hint: "check `phone_numbers`" },
  "isv.MOBILE_COUNT_OVER_LIMIT": { reason: "config", retryable: false, hint: "too many numbers in `phone_numbers`" },
  "isv.TEMPLATE_MISSING_PARAMETERS": {
    reason: "config",
    retryable: false,
    hint: "`template_params` lacks a variable the template uses",
  },
  "isv.INVALID_JSON_PARAM": {
    reason: "config",
    retryable: false,
    hint: "`template_params` must map variables to message fields",
  },
  "isv.SMS_SIGNATURE_ILLEGAL": {
    reason: "config",
    retryable: false,
    hint: "`sign_name` is not approved or does not exist",
  },
  "isv.SMS_TEMPLATE_ILLEGAL": {
    reason: "config",
    retryable: false,
    hint: "`template_code` is not approved or does not exist",
  },
  "isv.PARAM_LENGTH_LIMIT": {
    reason: "config",
    retryable: false,
    hint: "a variable is too long: lower `param_max_length`",
  },
  "isv.BLACK_KEY_CONTROL_LIMIT": {
    reason: "client",
    retryable: false,
    hint: "the text contains a blacklisted keyword",
  },
  "isv.PARAM_NOT_SUPPORT_URL": { reason: "client", retryable: false, hint: "template variables may not contain URLs" },
  "isp.RAM_PERMISSION_DENY": { reason: "auth", retryable: false, hint: "grant the RAM user AliyunDysmsFullAccess" },
  "isp.SYSTEM_ERROR": { reason: "server", retryable: true, hint: "Aliyun server error: retried later" },
  SignatureDoesNotMatch: { reason: "auth", retryable: false, hint: "check `access_key_secret`" },
  "InvalidAccessKeyId.NotFound": { reason: "auth", retryable: false, hint: "check `access_key_id`" },
  "InvalidAccessKeyId.Inactive": { reason: "auth", retryable: false, hint: "the AccessKey is disabled" },
};

/** aliyunVerdict maps a Code to a failure; Throttling.* is retryable, unknown codes are permanent. */
export function aliyunVerdict(code: string, message: string): SendOutcome {
  const v =
    ALIYUN_CODES[code] ??
    (code.startsWith("Throttling")
      ? { reason: "rate_limited", retryable: true, hint: "API throttling: retried later" }
      : undefined);
  const text = `Aliyun SMS ${code}: ${message}`.trim();
  return v ? fail(v.reason, v.retryable, text, v.hint) : fail("provider_code", false, text);
}

/** sdkEndpoint turns `endpoint` into the SDK's host[:port] and protocol. */
export function sdkEndpoint(endpoint: string): { endpoint: string; protocol: "http" | "https" } {
  const m = /^(https?):\/\/([^/]+)\/?$/i.exec(endpoint.trim());
  return m
    ? { endpoint: m[2]!, protocol: m[1]!.toLowerCase() as "http" | "https" }
    : { endpoint: endpoint.trim(), protocol: "https" };
}

type Sdk = typeof import("@alicloud/dysmsapi20170525");

/** loadSdk imports the SDK lazily. Depending on the loader (vitest, the bundle's dist/lazy/*.cjs) the CommonJS exports
 * sit at the top level or under one or two `default`s: find the module object that has SendSmsRequest. */
async function loadSdk(): Promise<{ Client: Sdk["default"]; SendSmsRequest: Sdk["SendSmsRequest"] }> {
  const mod = (await import("@alicloud/dysmsapi20170525")) as unknown as Record<string, unknown>;
  const candidates = [mod, cjs(mod), mod.default, (mod.default as Record<string, unknown> | undefined)?.default] as (
    Record<string, unknown> | undefined
  )[];
  const m = candidates.find((c) => c && typeof c.SendSmsRequest === "function");
  if (!m) throw new Error("cannot load @alicloud/dysmsapi20170525");
  const Client = (
    typeof m.default === "function" ? m.default : candidates.find((c) => typeof c === "function")
  ) as Sdk["default"];
  return { Client, SendSmsRequest: m.SendSmsRequest as Sdk["SendSmsRequest"] };
}

type SdkError = Error & { code?: string; statusCode?: number; data?: { Code?: string; Message?: string } };

/** createAliyunSmsChannel sends one SMS per message; the SDK is imported on the first send only. */
export function createAliyunSmsChannel(cfg: AliyunSmsConfig & { timeout?: number }, ctx: ChannelContext): Channel {
  const mask = createRedactor([cfg.access_key_secret, cfg.access_key_id]);
  const timeout = cfg.timeout ?? 10_000;
  return {
    name: ctx.name,
    type: "aliyun-sms",
    async send(message, signal) {
      const where = sdkEndpoint(cfg.endpoint);
      try {
        const { Client, SendSmsRequest } = await loadSdk();
        // A plain object works as the client Config (the SDK only reads its fields).
        const client = new Client({
          accessKeyId: cfg.access_key_id,
          accessKeySecret: cfg.access_key_secret,
          endpoint: where.endpoint,
          protocol: where.protocol,
          regionId: cfg.region_id,
          readTimeout: timeout,
          connectTimeout: Math.min(timeout, 5000),
        } as unknown as ConstructorParameters<typeof Client>[0]);
        const request = new SendSmsRequest(buildAliyunSmsRequest(message, cfg, ctx.locale));
        const res = await client.sendSms(request);
        if (signal.aborted) return fail("timeout", true, "send deadline reached");
        const body = res.body;
        if (body?.code === "OK")
          return {
            ok: true,
            id: body.bizId,
            response: `Code OK, BizId ${body.bizId ?? "-"}, RequestId ${body.requestId ?? "-"}`,
          };
        return {
          ...aliyunVerdict(body?.code ?? "(no Code)", mask(body?.message ?? "")),
          response: mask(JSON.stringify(body ?? {})),
        };
      } catch (err) {
        const e = err as SdkError;
        const code = e.data?.Code ?? e.code;
        if (e.statusCode !== undefined && code) {
          const v = aliyunVerdict(code, mask(e.data?.Message ?? ""));
          // Unknown codes: 5xx is retryable, 4xx is not.
          return !v.ok && !ALIYUN_CODES[code] && !code.startsWith("Throttling") && e.statusCode >= 500
            ? { ...v, retryable: true, reason: "server" }
            : v;
        }
        if (e.name === "RequestTimeoutError" || /timeout/i.test(e.message ?? ""))
          return fail("timeout", true, `Aliyun SMS (${where.endpoint}): no answer before the deadline`);
        if (e instanceof SyntaxError)
          return fail("server", true, `Aliyun SMS (${where.endpoint}): the answer is not JSON`);
        const net = classifyNetworkError(err, `Aliyun SMS (${where.endpoint})`, signal);
        return net.ok ? net : { ...net, error: mask(net.error) };
      }
    },
  };
}

/** buildAliyunSmsRequest is the pure part: the SendSms parameters for a message. */
export function buildAliyunSmsRequest(message: Message, cfg: AliyunSmsConfig, locale: Locale) {
  return {
    phoneNumbers: cfg.phone_numbers.join(","),
    signName: cfg.sign_name,
    templateCode: cfg.template_code,
    templateParam: JSON.stringify(smsParams(message, cfg.template_params, locale, cfg.param_max_length)),
    outId: message.id.slice(0, 64),
  };
}
