import type { Starter } from "../../define.js";

/** starter is the block `watchdog init --channels wecom` writes, its robot key as a ${VAR}. */
export const starter: Starter = {
  name: "wecom",
  yaml: `  wecom:
    type: wecom                      # WeCom (企业微信) group robot
    webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=\${WECOM_KEY}"
`,
};
