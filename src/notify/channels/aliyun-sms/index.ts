import type { Message } from "../../../engine/types.js";
import { cjs } from "../../../lazy.js";
import { classifyNetworkError } from "../../http.js";
import { createRedactor } from "../../redact.js";
import { fail, type Channel, type ChannelContext } from "../../types.js";
import { defineChannel } from "../../define.js";
import { starter } from "./starter.js";
import { ALIYUN_CODES, aliyunVerdict } from "./codes.js";
import { aliyunSmsConfigSchema, type AliyunSmsConfig } from "./schema.js";
import { buildAliyunSmsRequest } from "./body.js";

// Aliyun SMS SendSms (2017-05-25) through the official SDK, loaded on the first send (~300 ms, 33 MB of dependencies).
// API: https://help.aliyun.com/document_detail/419273.html
// Error codes: https://help.aliyun.com/document_detail/101346.html
// Wire contract: docs/vendors.md §4.

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

/** aliyunSmsChannel is the registry entry of an Aliyun SMS channel. */
export const aliyunSmsChannel = defineChannel(aliyunSmsConfigSchema, createAliyunSmsChannel, {
  minSeverity: "critical",
  terse: true,
  aliases: ["sms"],
  starter,
  secrets: ["access_key_id", "access_key_secret"],
});
