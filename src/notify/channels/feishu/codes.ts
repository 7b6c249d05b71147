import type { VendorCode } from "../../http.js";

// Error codes: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot

/** CODES maps the errcode of an HTTP 200 answer to a failure and what to fix. */
export const CODES: Record<number, VendorCode> = {
  19021: {
    reason: "auth",
    retryable: false,
    hint: "check `secret` and the system clock (the timestamp must be within an hour)",
  },
  19022: { reason: "config", retryable: false, hint: "this host's IP is not in the bot's IP allowlist" },
  19024: { reason: "config", retryable: false, hint: "the bot's keyword is not in the message" },
  19001: { reason: "auth", retryable: false, hint: "check the token in `webhook`" },
  9499: { reason: "client", retryable: false, hint: "malformed or too large body" },
  11232: { reason: "rate_limited", retryable: true, hint: "Feishu frequency limit (100/min, 5/s per bot)" },
};
