import { fail, type SendOutcome } from "../../types.js";

// Error codes: https://help.aliyun.com/document_detail/101346.html

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
