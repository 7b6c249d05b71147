import { createHash, createHmac } from "node:crypto";
import type http from "node:http";
import { startHttpVendor, type VendorServer } from "../../../helpers/vendors/http-vendor.js";

// Fake Aliyun SMS endpoint (docs/vendors.md §4) for the real SDK (`endpoint: http://127.0.0.1:PORT`).

const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** acs3Signature recomputes ACS3-HMAC-SHA256 the way openapi-core signs (independent re-implementation). */
export function acs3Signature(
  method: string,
  rawUrl: string,
  headers: http.IncomingHttpHeaders,
  signedHeaders: string[],
  body: string,
  secret: string,
): string {
  const [path = "/", qs = ""] = rawUrl.split("?");
  const query = qs
    .split("&")
    .filter(Boolean)
    .map((kv) => {
      const i = kv.indexOf("=");
      return [
        decodeURIComponent(i < 0 ? kv : kv.slice(0, i)),
        i < 0 ? "" : decodeURIComponent(kv.slice(i + 1)),
      ] as const;
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalQuery = query.map(([k, v]) => `${k}=${rfc3986(v)}`).join("&");
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${String(headers[h] ?? "").trim()}\n`).join("");
  const payload = createHash("sha256").update(body).digest("hex");
  const canonicalRequest =
    `${method}\n${path}\n${canonicalQuery}\n` + `${canonicalHeaders}\n${signedHeaders.join(";")}\n${payload}`;
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash("sha256").update(canonicalRequest).digest("hex")}`;
  return createHmac("sha256", secret).update(stringToSign).digest("hex");
}

/**
 * startAliyunSms verifies every request's ACS3-HMAC-SHA256 signature with the given AccessKey and answers with the
 * real bodies: 200 {"Code":"OK",...}; a bad signature → HTTP 400 SignatureDoesNotMatch; an unknown key → HTTP 404
 * InvalidAccessKeyId.NotFound. setMode("error", {Code, Message}) answers that business code with HTTP 200
 * (default isv.BUSINESS_LIMIT_CONTROL, retryable). `received[].query` of accepted requests holds the SendSms params.
 */
export async function startAliyunSms(
  opts: { accessKeyId?: string; accessKeySecret?: string; now?: () => number } = {},
): Promise<VendorServer & { sms(): Record<string, string>[] }> {
  const ak = opts.accessKeyId ?? "LTAI5tTESTKEYID";
  const secret = opts.accessKeySecret ?? "aliyun-test-secret-value";
  let n = 0;
  const requestId = () => `F655A8D5-B967-440B-8683-${String(++n).padStart(12, "0")}`;
  const server = await startHttpVendor(
    "",
    ({ method, url, headers, body }) => {
      const auth = String(headers.authorization ?? "");
      const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(auth);
      if (!m)
        return {
          status: 400,
          body: {
            Code: "MissingAuthorization",
            Message: "Authorization is mandatory for this action.",
            RequestId: requestId(),
          },
          accepted: false,
        };
      if (m[1] !== ak)
        return {
          status: 404,
          body: {
            Code: "InvalidAccessKeyId.NotFound",
            Message: "Specified access key is not found.",
            RequestId: requestId(),
          },
          accepted: false,
        };
      const raw = `${url.pathname}${url.search}`;
      const expected = acs3Signature(method, raw, headers, m[2]!.split(";"), body, secret);
      if (expected !== m[3]) {
        return {
          status: 400,
          body: {
            Code: "SignatureDoesNotMatch",
            Message: "Specified signature is not matched with our calculation.",
            RequestId: requestId(),
            Recommend: "https://api.aliyun.com/troubleshoot",
          },
          accepted: false,
        };
      }
      if (headers["x-acs-action"] !== "SendSms" || headers["x-acs-version"] !== "2017-05-25")
        return {
          status: 400,
          body: { Code: "InvalidAction.NotFound", Message: "Specified api is not found", RequestId: requestId() },
          accepted: false,
        };
      const q = url.searchParams;
      if (!q.get("PhoneNumbers") || !q.get("SignName") || !q.get("TemplateCode"))
        return {
          body: { Code: "isv.MOBILE_NUMBER_ILLEGAL", Message: "非法手机号", RequestId: requestId() },
          accepted: false,
        };
      try {
        const p = JSON.parse(q.get("TemplateParam") ?? "{}") as Record<string, unknown>;
        if (Object.values(p).some((v) => typeof v !== "string")) throw new Error("not strings");
      } catch {
        return {
          body: { Code: "isv.INVALID_JSON_PARAM", Message: "JSON参数不合法，只接受字符串值", RequestId: requestId() },
          accepted: false,
        };
      }
      return {
        body: {
          Code: "OK",
          Message: "OK",
          BizId: `90061974693649${String(n).padStart(4, "0")}^0`,
          RequestId: requestId(),
        },
        accepted: true,
      };
    },
    {
      Code: "isv.BUSINESS_LIMIT_CONTROL",
      Message: "触发分钟级流控Permits:1",
      RequestId: "F655A8D5-B967-440B-8683-000000000000",
    },
    opts.now,
  );
  return {
    ...server,
    sms: () =>
      server.received.filter((r) => r.accepted).map((r) => Object.fromEntries(new URL(r.url, "http://x").searchParams)),
  };
}
