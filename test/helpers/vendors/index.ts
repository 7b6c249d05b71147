/**
 * Fake vendor servers for tests, all on 127.0.0.1:0, each checking requests the way the vendor does
 * (contracts: docs/vendors.md). Every HTTP one returns a VendorServer:
 *
 *   const dt = await startDingTalk({ secret: "SEC..." });   // config `webhook: dt.url`, `secret: "SEC..."`
 *   dt.url / dt.origin / dt.port
 *   dt.received        every request read: { method, url, headers, body, json, at, accepted, answer }
 *   dt.delivered()     parsed JSON bodies of accepted messages only
 *   await dt.setMode("refuse" | "hang" | "500" | "error" | "ok", errorBody?)   // fault injection, reversible
 *   await dt.close()
 *
 * "error" answers the vendor's retryable error (DingTalk 130101, WeCom 45009, Feishu 11232, Aliyun
 * isv.BUSINESS_LIMIT_CONTROL, webhook HTTP 503) unless another body is given. For an unresolvable host, point the
 * config at `*.invalid` (RFC 6761). startSmtp() is a real smtp-server with the same setMode idea (see smtp.ts).
 */
export { startAliyunSms, acs3Signature } from "../../notify/channels/aliyun-sms/fake.js";
export { startDingTalk } from "../../notify/channels/dingtalk/fake.js";
export { startFeishu } from "../../notify/channels/feishu/fake.js";
export { rateWindow, startHttpVendor, type Received, type VendorMode, type VendorServer } from "./http-vendor.js";
export { startSmtp, type FakeSmtp, type SmtpMode } from "../../notify/channels/email/fake.js";
export { startWebhook } from "../../notify/channels/webhook/fake.js";
export { startWeCom } from "../../notify/channels/wecom/fake.js";
