import type { Starter } from "../../define.js";

/** starter is the block `watchdog init --channels sms` writes, its keys as ${VARS}. */
export const starter: Starter = {
  name: "sms",
  yaml: `  sms:
    type: aliyun-sms                 # Aliyun SMS: critical incidents only, at most daily_limit a day
    access_key_id: \${ALIYUN_ACCESS_KEY_ID}
    access_key_secret: \${ALIYUN_ACCESS_KEY_SECRET}   # or access_key_secret_file: /etc/watchdog/aliyun-secret
    sign_name: 阿里云                 # your approved signature (签名)
    template_code: SMS_153055065     # your approved template
    phone_numbers: ["13800000000"]
    template_params: {host: host, check: check, status: status, summary: summary}
`,
};
