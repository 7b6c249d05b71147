import type { Starter } from "../../define.js";

/** starter is the block `watchdog init --channels webhook` writes, its URL as a ${VAR}. */
export const starter: Starter = {
  name: "webhook",
  yaml: `  webhook:
    type: webhook                    # any JSON receiver
    url: \${WEBHOOK_URL}
`,
};
