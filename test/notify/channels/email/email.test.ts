import { afterEach, describe, expect, it } from "vitest";
import { createEmailChannel } from "../../../../src/notify/channels/email/index.js";
import { emailConfigSchema } from "../../../../src/notify/channels/email/schema.js";
import { sendWithTimeout } from "../../../../src/notify/deliver.js";
import { startSmtp, type FakeSmtp } from "./fake.js";
import { ctx, deadline, message } from "../../fixtures.js";

let smtp: FakeSmtp | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

const cfg = (s: FakeSmtp, over: Record<string, unknown> = {}) =>
  emailConfigSchema.parse({
    type: "email",
    host: s.host,
    port: s.port,
    secure: false,
    user: "alert@example.com",
    pass: "smtp-pass-123",
    from: "告警 <alert@example.com>",
    to: ["ops@example.com"],
    connection_timeout: "2s",
    greeting_timeout: "1s",
    socket_timeout: "2s",
    ...over,
  });

describe("email through a real SMTP server", () => {
  it("a Chinese subject and body arrive intact, with the message id", async () => {
    smtp = await startSmtp({ user: "alert@example.com", pass: "smtp-pass-123" });
    const out = await createEmailChannel(cfg(smtp), ctx("email", "zh-CN")).send(message("email"), deadline());
    expect(out).toMatchObject({ ok: true });
    const [mail] = smtp.received;
    expect(mail!.subject).toBe("【告警】gpu-box-01 cosyvoice 严重");
    expect(mail!.text).toContain("可能原因：GPU out of memory (CUDA OOM)");
    expect(mail!.text).toContain("连续失败 3 次");
    expect(mail!.from!.value[0]).toMatchObject({ name: "告警", address: "alert@example.com" });
    expect(mail!.messageId).toBe("<mwt1abc-email@watchdog>");
  });

  it("a wrong password is 535: permanent, with a hint, no password in the error", async () => {
    smtp = await startSmtp({ user: "alert@example.com", pass: "smtp-pass-123" });
    const out = await createEmailChannel(cfg(smtp, { pass: "wrong-pass-XYZ" }), ctx("email")).send(
      message("email"),
      deadline(),
    );
    expect(out).toMatchObject({ ok: false, retryable: false, reason: "auth", hint: expect.stringContaining("pass") });
    expect(JSON.stringify(out)).not.toContain("wrong-pass-XYZ");
  });

  it("a server that never greets times out within the deadline, retryable", async () => {
    smtp = await startSmtp();
    await smtp.setMode("hang");
    const ch = createEmailChannel(cfg(smtp, { user: undefined, pass: undefined }), ctx("email"));
    const t0 = Date.now();
    const out = await sendWithTimeout(ch, message("email"), 3000, deadline(600_000));
    expect(out).toMatchObject({ ok: false, retryable: true });
    // Ended by the channel's deadline (3 s): not by nodemailer's 30 s default, with a margin for a busy machine.
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it("451 is retryable, 550 is permanent, refused is retryable", async () => {
    smtp = await startSmtp();
    const ch = createEmailChannel(cfg(smtp, { user: undefined, pass: undefined }), ctx("email"));
    await smtp.setMode("error");
    expect(await ch.send(message("email"), deadline())).toMatchObject({ ok: false, retryable: true });
    await smtp.setMode("reject");
    expect(await ch.send(message("email"), deadline())).toMatchObject({ ok: false, retryable: false });
    await smtp.setMode("refuse");
    expect(await ch.send(message("email"), deadline())).toMatchObject({
      ok: false,
      retryable: true,
      reason: "network",
    });
  });
});
