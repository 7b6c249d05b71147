import { createHmac } from "node:crypto";
import { rateWindow, startHttpVendor, type VendorServer } from "../../../helpers/vendors/http-vendor.js";

/**
 * Fake DingTalk custom robot (docs/vendors.md §1). POST /robot/send?access_token=TOKEN[&timestamp=&sign=].
 * Checks like the vendor: the token, 加签 (HMAC-SHA256 of "timestamp\nsecret" keyed by the secret, Base64, URL-encoded
 * once; timestamp within 1 hour), keywords, body < 20000 bytes, 20 messages a minute. Answers HTTP 200 + errcode.
 * start({ token, secret?, keywords?, perMinute?, now? }) → { url, received, delivered(), setMode(), close() }.
 * setMode("error") answers errcode 130101 (rate limit, retryable) unless another body is given.
 */
export async function startDingTalk(
  opts: { token?: string; secret?: string; keywords?: string[]; perMinute?: number; now?: () => number } = {},
): Promise<VendorServer> {
  const token = opts.token ?? "dt-token-0123456789";
  const rate = rateWindow(opts.perMinute ?? 20);
  const now = opts.now ?? Date.now;
  return startHttpVendor(
    `/robot/send?access_token=${token}`,
    ({ url, body, json, now: t }) => {
      if (url.pathname !== "/robot/send" || url.searchParams.get("access_token") !== token)
        return { body: { errcode: 300001, errmsg: "token is not exist" }, accepted: false };
      if (opts.secret) {
        const ts = url.searchParams.get("timestamp");
        const sign = url.searchParams.get("sign"); // URLSearchParams decodes once, as the vendor does
        if (!ts || !sign) return { body: { errcode: 310000, errmsg: "sign not match" }, accepted: false };
        if (Math.abs(t - Number(ts)) > 3_600_000)
          return { body: { errcode: 310000, errmsg: "invalid timestamp" }, accepted: false };
        const expected = createHmac("sha256", opts.secret).update(`${ts}\n${opts.secret}`).digest("base64");
        if (sign !== expected) return { body: { errcode: 310000, errmsg: "sign not match" }, accepted: false };
      }
      if (Buffer.byteLength(body, "utf8") >= 20_000)
        return { body: { errcode: 460101, errmsg: "message too long, exceed 20000 bytes" }, accepted: false };
      if (!json || (json.msgtype !== "text" && json.msgtype !== "markdown"))
        return { body: { errcode: 40035, errmsg: "缺少参数 json" }, accepted: false };
      const content =
        json.msgtype === "text"
          ? String(json.text?.content ?? "")
          : `${json.markdown?.title ?? ""}${json.markdown?.text ?? ""}`;
      if (opts.keywords?.length && !opts.keywords.some((k) => content.includes(k)))
        return { body: { errcode: 310000, errmsg: "keywords not in content" }, accepted: false };
      if (!rate.hit(t))
        return { body: { errcode: 130101, errmsg: "send too fast, exceed 20 times per minute" }, accepted: false };
      return { body: { errcode: 0, errmsg: "ok" }, accepted: true };
    },
    { errcode: 130101, errmsg: "send too fast, exceed 20 times per minute" },
    now,
  );
}
