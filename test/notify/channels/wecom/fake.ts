import { rateWindow, startHttpVendor, type VendorServer } from "../../../helpers/vendors/http-vendor.js";

/**
 * Fake WeCom group robot (docs/vendors.md §2). POST /cgi-bin/webhook/send?key=KEY.
 * Checks like the vendor: the key (93000), markdown ≤ 4096 and text ≤ 2048 UTF-8 bytes (40058), 20 a minute (45009).
 * Answers HTTP 200 + errcode. start({ key?, perMinute?, now? }); setMode("error") answers 45009 unless told otherwise.
 */
export async function startWeCom(
  opts: { key?: string; perMinute?: number; now?: () => number } = {},
): Promise<VendorServer> {
  const key = opts.key ?? "wc-key-0123456789";
  const rate = rateWindow(opts.perMinute ?? 20);
  const tail =
    ", hint: [1700000000_1_abc], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=";
  return startHttpVendor(
    `/cgi-bin/webhook/send?key=${key}`,
    ({ url, json, now }) => {
      if (url.pathname !== "/cgi-bin/webhook/send" || url.searchParams.get("key") !== key)
        return { body: { errcode: 93000, errmsg: `invalid webhook url${tail}93000` }, accepted: false };
      if (!json || !["text", "markdown", "markdown_v2"].includes(json.msgtype))
        return { body: { errcode: 40008, errmsg: `invalid message type${tail}40008` }, accepted: false };
      const content: string = json[json.msgtype]?.content ?? "";
      if (!content) return { body: { errcode: 44004, errmsg: `empty content${tail}44004` }, accepted: false };
      const max = json.msgtype === "text" ? 2048 : 4096;
      if (Buffer.byteLength(content, "utf8") > max)
        return {
          body: {
            errcode: 40058,
            errmsg: `${json.msgtype}.content exceed max length ${max}. invalid Request Parameter${tail}40058`,
          },
          accepted: false,
        };
      if (!rate.hit(now))
        return { body: { errcode: 45009, errmsg: `api freq out of limit${tail}45009` }, accepted: false };
      return { body: { errcode: 0, errmsg: "ok" }, accepted: true };
    },
    { errcode: 45009, errmsg: `api freq out of limit${tail}45009` },
    opts.now,
  );
}
