import { closest } from "../config/locate.js";

/** STARTER_CHANNELS are the channel blocks `watchdog init --channels` can write, each with its secrets as ${VARS}. */
export const STARTER_CHANNELS: Record<string, string> = {
  email: `  email:
    type: email
    host: smtp.example.com           # your SMTP server
    port: 465
    secure: true                     # implicit TLS (465); false = STARTTLS when offered (587/25)
    user: alert@example.com
    pass: \${SMTP_PASS}               # or pass_file: /etc/watchdog/smtp-pass (best under cron)
    from: "watchdog <alert@example.com>"
    to: [admin@example.com]
`,
  sms: `  sms:
    type: aliyun-sms                 # Aliyun SMS: critical incidents only, at most daily_limit a day
    access_key_id: \${ALIYUN_ACCESS_KEY_ID}
    access_key_secret: \${ALIYUN_ACCESS_KEY_SECRET}   # or access_key_secret_file: /etc/watchdog/aliyun-secret
    sign_name: 阿里云                 # your approved signature (签名)
    template_code: SMS_153055065     # your approved template
    phone_numbers: ["13800000000"]
    template_params: {host: host, check: check, status: status, summary: summary}
`,
  dingtalk: `  dingtalk:
    type: dingtalk                   # DingTalk group robot (自定义机器人, 加签)
    webhook: "https://oapi.dingtalk.com/robot/send?access_token=\${DINGTALK_TOKEN}"
    secret: \${DINGTALK_SECRET}       # the SEC... secret; or secret_file: /etc/watchdog/dingtalk-secret
`,
  wecom: `  wecom:
    type: wecom                      # WeCom (企业微信) group robot
    webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=\${WECOM_KEY}"
`,
  feishu: `  feishu:
    type: feishu                     # Feishu / Lark custom bot
    webhook: "https://open.feishu.cn/open-apis/bot/v2/hook/\${FEISHU_TOKEN}"
`,
  webhook: `  webhook:
    type: webhook                    # any JSON receiver
    url: \${WEBHOOK_URL}
`,
  console: `  console:
    type: console                    # prints to standard output (cron throws it away: for trying things out)
`,
};

const ALIASES: Record<string, string> = {
  mail: "email",
  "aliyun-sms": "sms",
  lark: "feishu",
  ding: "dingtalk",
  wechat: "wecom",
};

/** parseChannelList turns "email,dingtalk" into starter channel names; throws a one-line message on an unknown one. */
export function parseChannelList(list: string): string[] {
  const out: string[] = [];
  for (const raw of list
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)) {
    const name = ALIASES[raw] ?? raw;
    if (!STARTER_CHANNELS[name]) {
      const hint = closest(raw, [...Object.keys(STARTER_CHANNELS), ...Object.keys(ALIASES)]);
      throw new Error(
        `unknown channel "${raw}"${hint ? ` (did you mean "${hint}"?)` : ""}; one of: ` +
          `${Object.keys(STARTER_CHANNELS).join(", ")}`,
      );
    }
    if (!out.includes(name)) out.push(name);
  }
  if (!out.length) throw new Error(`name at least one channel: ${Object.keys(STARTER_CHANNELS).join(", ")}`);
  return out;
}

/**
 * shortStarter is the default `watchdog init`: one service, the channels asked for, and a ladder that tells every
 * one of them at each step. It validates as soon as the ${VARS} it names are set. No state_file: the state goes to
 * /var/lib/watchdog as root, else under ~/.local/state, so it is valid for either.
 */
export function shortStarter(channels: readonly string[], hasGpu: boolean): string {
  const all = `[${channels.join(", ")}]`;
  const gpu = hasGpu
    ? `  - name: gpu
    type: gpu                        # nvidia-smi: memory, temperature, ECC (found on this host)
`
    : `  # (no nvidia-smi on this host when \`watchdog init\` ran: uncomment on a GPU machine)
  # - name: gpu
  #   type: gpu
`;
  return `# yaml-language-server: $schema=./watchdog.schema.json
# watchdog starter config. Every option: \`watchdog init --full\` (config.example.yaml). Then \`watchdog validate\`.
# locale: zh-CN                      # messages in Chinese
channels:
${channels.map((c) => STARTER_CHANNELS[c]).join("")}escalation:
  - after: 1                         # the first failing run
    notify: ${all}
  - after: 3                         # the third in a row: tell again, and run the check's restart hook if it has one
    notify: ${all}
    restart: true
repeat_every: 30m                    # a reminder while it still fails
checks:
  - name: my-service                 # one service: its health URL (or type: tcp with host and port)
    type: http
    url: http://127.0.0.1:8000/health
    # restart: {command: [systemctl, restart, my-service]}
${gpu}`;
}
