import { createHmac } from "node:crypto";
import { rateWindow, startHttpVendor, type VendorServer } from "../../../helpers/vendors/http-vendor.js";

/**
 * Fake Feishu custom bot (docs/vendors.md §3). POST /open-apis/bot/v2/hook/TOKEN.
 * Checks like the vendor: the token (19001), the signature (key = "timestamp\nsecret", empty message, Base64; timestamp
 * in seconds within an hour: 19021), body ≤ 20 KB (9499), a per-minute limit (11232; default 100 like Feishu).
 * Answers HTTP 200 + code. start({ token?, secret?, perMinute?, now? }); setMode("error") answers 11232 unless told
 * otherwise.
 */
export async function startFeishu(
  opts: { token?: string; secret?: string; perMinute?: number; now?: () => number } = {},
): Promise<VendorServer> {
  const token = opts.token ?? "fs-token-0123456789";
  const rate = rateWindow(opts.perMinute ?? 100);
  return startHttpVendor(
    `/open-apis/bot/v2/hook/${token}`,
    ({ url, body, json, now }) => {
      if (url.pathname !== `/open-apis/bot/v2/hook/${token}`)
        return {
          body: { code: 19001, msg: "param invalid: incoming webhook access token invalid", data: {} },
          accepted: false,
        };
      if (Buffer.byteLength(body, "utf8") > 20 * 1024 || !json)
        return { body: { code: 9499, msg: "Bad Request", data: {} }, accepted: false };
      if (opts.secret) {
        const ts = Number(json.timestamp);
        const expected = createHmac("sha256", `${json.timestamp}\n${opts.secret}`)
          .update(Buffer.alloc(0))
          .digest("base64");
        if (!json.timestamp || json.sign !== expected || Math.abs(now / 1000 - ts) > 3600) {
          return {
            body: {
              code: 19021,
              msg: "sign match fail or timestamp is not within one hour from current time",
              data: {},
            },
            accepted: false,
          };
        }
      }
      if (!["text", "post", "interactive", "image", "share_chat"].includes(json.msg_type))
        return { body: { code: 9499, msg: "Bad Request", data: {} }, accepted: false };
      if (!rate.hit(now))
        return {
          body: { code: 11232, msg: "frequency limited psm[lark.oapi.app_platform_runtime]appID[1]", data: {} },
          accepted: false,
        };
      return {
        body: { code: 0, msg: "success", data: {}, Extra: null, StatusCode: 0, StatusMessage: "success" },
        accepted: true,
      };
    },
    { code: 11232, msg: "frequency limited psm[lark.oapi.app_platform_runtime]appID[1]", data: {} },
    opts.now,
  );
}
