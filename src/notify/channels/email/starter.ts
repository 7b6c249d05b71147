import type { Starter } from "../../define.js";

/** starter is the block `watchdog init --channels email` writes, its password as a ${VAR}. */
export const starter: Starter = {
  name: "email",
  yaml: `  email:
    type: email
    host: smtp.example.com           # your SMTP server
    port: 465
    secure: true                     # implicit TLS (465); false = STARTTLS when offered (587/25)
    user: alert@example.com
    pass: \${SMTP_PASS}               # or pass_file: /etc/watchdog/smtp-pass (best under cron)
    from: "watchdog <alert@example.com>"
    to: [admin@example.com]
`,
};
