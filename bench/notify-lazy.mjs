// Bench: a healthy run's wall time with and without an SMS channel configured. The Aliyun SDK (~300 ms to load) is
// imported only when an SMS is sent, so the ratio should stay near 1.00. Also prints what loading it costs.
// Usage: npm run build && node bench/notify-lazy.mjs [runs]   (prints ratios; asserts nothing)
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const runs = Number(process.argv[2] ?? 10);
const cli = path.resolve("dist/watchdog.cjs");
if (!fs.existsSync(cli)) throw new Error("run `npm run build` first");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-bench-notify-"));
const server = net.createServer((s) => s.destroy());
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const port = server.address().port;
const base = `host: bench\nchecks:\n  - name: up\n    type: tcp\n    host: 127.0.0.1\n    port: ${port}\n`;
const sms =
  `channels:\n  sms:\n    type: aliyun-sms\n    access_key_id: AK\n    access_key_secret: SECRET\n` +
  `    sign_name: s\n    template_code: SMS_1\n    phone_numbers: 13800000000\n    endpoint: http://127.0.0.1:9\n`;
fs.writeFileSync(path.join(dir, "plain.yaml"), base);
fs.writeFileSync(path.join(dir, "sms.yaml"), sms + base);

// The CLI runs as a child process; the parent's event loop must stay free for the tcp server, so run it async.
const once = (cfg, state) =>
  new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    execFile(
      process.execPath,
      [cli, "check", "--config", cfg, "--state", state],
      { env: { ...process.env, WATCHDOG_CONFIG: "" } },
      () => resolve(Number(process.hrtime.bigint() - t0) / 1e6),
    );
  });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const plain = [];
const withSms = [];
for (let i = 0; i < runs; i++) {
  plain.push(await once(path.join(dir, "plain.yaml"), path.join(dir, "p.json")));
  withSms.push(await once(path.join(dir, "sms.yaml"), path.join(dir, "s.json")));
}
const sdk = spawnSync(
  process.execPath,
  [
    "-e",
    "const t=process.hrtime.bigint();" +
      `require(${JSON.stringify(path.resolve("dist/lazy/alicloud-dysmsapi20170525.cjs"))});` +
      "console.log(Number(process.hrtime.bigint()-t)/1e6)",
  ],
  { encoding: "utf8" },
);
console.log(
  `healthy run, median of ${runs}: without SMS ${median(plain).toFixed(0)} ms, ` +
    `with SMS configured ${median(withSms).toFixed(0)} ms, ratio ${(median(withSms) / median(plain)).toFixed(2)}`,
);
console.log(
  `loading the Aliyun SDK alone: ${Number(sdk.stdout.trim()).toFixed(0)} ms ` +
    `(${(Number(sdk.stdout.trim()) / median(plain)).toFixed(2)}x a healthy run), paid only by runs that send an SMS`,
);
server.close();
fs.rmSync(dir, { recursive: true, force: true });
