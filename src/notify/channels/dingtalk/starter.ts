import type { Starter } from "../../define.js";

/** starter is the block `watchdog init --channels dingtalk` writes, its token and secret as ${VARS}. */
export const starter: Starter = {
  name: "dingtalk",
  yaml: `  dingtalk:
    type: dingtalk                   # DingTalk group robot (自定义机器人, 加签)
    webhook: "https://oapi.dingtalk.com/robot/send?access_token=\${DINGTALK_TOKEN}"
    secret: \${DINGTALK_SECRET}       # the SEC... secret; or secret_file: /etc/watchdog/dingtalk-secret
`,
};
