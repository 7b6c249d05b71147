import type { Message } from "../../../engine/types.js";
import { smsParams } from "../../render.js";
import type { Locale } from "../../types.js";
import type { AliyunSmsConfig } from "./schema.js";

/** buildAliyunSmsRequest is the pure part: the SendSms parameters for a message. */
export function buildAliyunSmsRequest(message: Message, cfg: AliyunSmsConfig, locale: Locale) {
  return {
    phoneNumbers: cfg.phone_numbers.join(","),
    signName: cfg.sign_name,
    templateCode: cfg.template_code,
    templateParam: JSON.stringify(smsParams(message, cfg.template_params, locale, cfg.param_max_length)),
    outId: message.id.slice(0, 64),
  };
}
