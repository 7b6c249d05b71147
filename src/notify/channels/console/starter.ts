import type { Starter } from "../../define.js";

/** starter is the block `watchdog init --channels console` writes. */
export const starter: Starter = {
  name: "console",
  yaml: `  console:
    type: console                    # prints to standard output (cron throws it away: for trying things out)
`,
};
