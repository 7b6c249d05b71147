import type { VendorCode } from "../../http.js";

/** CODES maps the errcode of an HTTP 200 answer to a failure: by the code, never the text (DingTalk rewords it). */
export const CODES: Record<number, VendorCode | ((msg: string) => VendorCode)> = {
  // 310000 covers every security check; newer answers are "description:...;solution:..." in Chinese, so test the sign
  // first (its solution text mentions the timestamp too), and "ip" only as a word ("description" contains it).
  // The Chinese words are \u escapes (签名 sign, 关键词 keyword, 时间戳 timestamp, 白名单 allowlist): a bundle with
  // a non-ASCII character is held by V8 at two bytes a character.
  310000: (msg) =>
    /sign|\u7b7e\u540d/i.test(msg) && !/keyword|\u5173\u952e\u8bcd/i.test(msg)
      ? { reason: "auth", retryable: false, hint: "check `secret` and the system clock" }
      : /keyword|\u5173\u952e\u8bcd/i.test(msg)
        ? {
            reason: "config",
            retryable: false,
            hint: "the robot's custom keyword is not in the message: set `keyword` to it",
          }
        : /timestamp|\u65f6\u95f4\u6233/i.test(msg)
          ? { reason: "auth", retryable: false, hint: "the system clock is more than an hour off: fix NTP" }
          : /\bip\b|\u767d\u540d\u5355/i.test(msg)
            ? { reason: "config", retryable: false, hint: "this host's IP is not in the robot's IP allowlist" }
            : { reason: "auth", retryable: false, hint: "check `secret` and the system clock" },
  130101: {
    reason: "rate_limited",
    retryable: true,
    hint: "more than 20 messages a minute: DingTalk throttles the robot for 10 minutes",
  },
  460101: { reason: "client", retryable: false, hint: "message over 20000 bytes" },
  101002: { reason: "client", retryable: false, hint: "message too long" },
  90030: { reason: "rate_limited", retryable: true, hint: "the organisation's webhook quota is spent" },
  300001: { reason: "auth", retryable: false, hint: "check the `access_token` in `webhook`" },
  400102: { reason: "config", retryable: false, hint: "the robot is disabled" },
};
