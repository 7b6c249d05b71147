import type { VendorCode } from "../../http.js";

// Error codes: https://open.work.weixin.qq.com/devtool/query

/** CODES maps the errcode of an HTTP 200 answer to a failure and what to fix. */
export const CODES: Record<number, VendorCode> = {
  45009: { reason: "rate_limited", retryable: true, hint: "more than 20 messages a minute to this robot" },
  93000: { reason: "auth", retryable: false, hint: "check the `key` in `webhook` (the robot may have been removed)" },
  40058: { reason: "client", retryable: false, hint: "a field is invalid or too long" },
  45002: { reason: "client", retryable: false, hint: "message too long" },
  40008: { reason: "client", retryable: false, hint: "invalid msgtype" },
  44004: { reason: "client", retryable: false, hint: "empty message" },
  [-1]: { reason: "server", retryable: true, hint: "WeCom is busy; retried later" },
};
