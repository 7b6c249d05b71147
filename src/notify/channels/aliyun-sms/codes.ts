import { fail, type SendOutcome } from "../../types.js";

// Error codes: https://help.aliyun.com/document_detail/101346.html

type Verdict = {
  reason: "auth" | "rate_limited" | "client" | "server" | "config" | "provider_code";
  retryable: boolean;
  hint: string;
};

/** permanent is a code no retry helps; retried, one a later run may get past. The hint says what to do. */
const permanent = (reason: Verdict["reason"], hint: string): Verdict => ({ reason, retryable: false, hint });
const retried = (reason: Verdict["reason"], hint: string): Verdict => ({ reason, retryable: true, hint });

/** ALIYUN_CODES maps the common Code values to a verdict and a hint. */
export const ALIYUN_CODES: Record<string, Verdict> = {
  "isv.BUSINESS_LIMIT_CONTROL": retried(
    "rate_limited",
    "Aliyun flow control (per number per minute/hour/day): retried later",
  ),
  "isv.DAY_LIMIT_CONTROL": permanent("rate_limited", "the daily volume cap set in the Aliyun console is reached"),
  "isv.MONTH_LIMIT_CONTROL": permanent("rate_limited", "the monthly volume cap set in the Aliyun console is reached"),
  "isv.AMOUNT_NOT_ENOUGH": permanent("config", "the Aliyun account balance is too low: top up"),
  "isv.OUT_OF_SERVICE": permanent("config", "the Aliyun account is suspended (arrears): top up"),
  "isv.MOBILE_NUMBER_ILLEGAL": permanent("config", "check `phone_numbers`"),
  "isv.MOBILE_COUNT_OVER_LIMIT": permanent("config", "too many numbers in `phone_numbers`"),
  "isv.TEMPLATE_MISSING_PARAMETERS": permanent("config", "`template_params` lacks a variable the template uses"),
  "isv.INVALID_JSON_PARAM": permanent("config", "`template_params` must map variables to message fields"),
  "isv.SMS_SIGNATURE_ILLEGAL": permanent("config", "`sign_name` is not approved or does not exist"),
  "isv.SMS_TEMPLATE_ILLEGAL": permanent("config", "`template_code` is not approved or does not exist"),
  "isv.PARAM_LENGTH_LIMIT": permanent("config", "a variable is too long: lower `param_max_length`"),
  "isv.BLACK_KEY_CONTROL_LIMIT": permanent("client", "the text contains a blacklisted keyword"),
  "isv.PARAM_NOT_SUPPORT_URL": permanent("client", "template variables may not contain URLs"),
  "isp.RAM_PERMISSION_DENY": permanent("auth", "grant the RAM user AliyunDysmsFullAccess"),
  "isp.SYSTEM_ERROR": retried("server", "Aliyun server error: retried later"),
  SignatureDoesNotMatch: permanent("auth", "check `access_key_secret`"),
  "InvalidAccessKeyId.NotFound": permanent("auth", "check `access_key_id`"),
  "InvalidAccessKeyId.Inactive": permanent("auth", "the AccessKey is disabled"),
};

/** aliyunVerdict maps a Code to a failure; Throttling.* is retryable, unknown codes are permanent. */
export function aliyunVerdict(code: string, message: string): SendOutcome {
  const v =
    ALIYUN_CODES[code] ??
    (code.startsWith("Throttling") ? retried("rate_limited", "API throttling: retried later") : undefined);
  const text = `Aliyun SMS ${code}: ${message}`.trim();
  return v ? fail(v.reason, v.retryable, text, v.hint) : fail("provider_code", false, text);
}
