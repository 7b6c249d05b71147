import type { Starter } from "../../define.js";

/** starter is the block `watchdog init --channels feishu` writes, its hook token as a ${VAR}. */
export const starter: Starter = {
  name: "feishu",
  yaml: `  feishu:
    type: feishu                     # Feishu / Lark custom bot
    webhook: "https://open.feishu.cn/open-apis/bot/v2/hook/\${FEISHU_TOKEN}"
`,
};
