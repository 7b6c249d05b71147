import { afterEach, describe, expect, it } from "vitest";
import { ALIYUN_CODES } from "../../../../src/notify/channels/aliyun-sms/codes.js";
import { buildAliyunSmsRequest } from "../../../../src/notify/channels/aliyun-sms/body.js";
import { createAliyunSmsChannel, sdkEndpoint } from "../../../../src/notify/channels/aliyun-sms/index.js";
import { aliyunSmsConfigSchema } from "../../../../src/notify/channels/aliyun-sms/schema.js";
import { smsParams } from "../../../../src/notify/render.js";
import { startAliyunSms } from "./fake.js";
import { ctx, deadline, item, message } from "../../fixtures.js";

const AK = "LTAI5tTESTKEYID";
const SK = "aliyun-test-secret-value";
let server: Awaited<ReturnType<typeof startAliyunSms>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const cfg = (over: Record<string, unknown> = {}) =>
  aliyunSmsConfigSchema.parse({
    type: "aliyun-sms",
    access_key_id: AK,
    access_key_secret: SK,
    sign_name: "阿里云",
    template_code: "SMS_153055065",
    phone_numbers: [13800000000, "+8613900000000"],
    ...over,
  });

describe("aliyun-sms: pure parts", () => {
  it("maps template variables to message fields, cut to the vendor's length (characters, not bytes)", () => {
    const p = smsParams(message("sms"), { service: "check", level: "status", why: "cause", host: "host" }, "zh-CN", 20);
    expect(p).toEqual({ service: "cosyvoice", level: "严重", why: "GPU out of memory (C", host: "gpu-box-01" });
    const long = smsParams(message("sms", [item({ summary: "显存不足".repeat(20) })]), { s: "summary" }, "zh-CN", 20);
    expect([...long.s!]).toHaveLength(20);
  });

  it("builds the SendSms request (snapshot); numbers joined, values are strings", () => {
    const req = buildAliyunSmsRequest(message("sms"), cfg(), "zh-CN");
    expect(req.phoneNumbers).toBe("13800000000,+8613900000000");
    expect(Object.values(JSON.parse(req.templateParam)).every((v) => typeof v === "string")).toBe(true);
    expect(req).toMatchSnapshot();
  });

  it("endpoint: a URL points the SDK elsewhere over its protocol; a bare host is https", () => {
    expect(sdkEndpoint("http://127.0.0.1:8080")).toEqual({ endpoint: "127.0.0.1:8080", protocol: "http" });
    expect(sdkEndpoint("dysmsapi.aliyuncs.com")).toEqual({ endpoint: "dysmsapi.aliyuncs.com", protocol: "https" });
  });

  it("defaults: critical only, 20 a day", async () => {
    expect(cfg().daily_limit).toBe(20);
    const { channelTypes } = await import("../../../../src/notify/registry.js");
    expect(channelTypes["aliyun-sms"].minSeverity).toBe("critical");
  });
});

describe("aliyun-sms: the real SDK against a server that verifies ACS3-HMAC-SHA256", () => {
  it("sends: signature verified, Code OK, BizId returned, Chinese sign name intact", async () => {
    server = await startAliyunSms({ accessKeyId: AK, accessKeySecret: SK });
    // The first send loads the SDK: generous deadlines, so that a busy machine does not make it a timeout.
    const ch = createAliyunSmsChannel({ ...cfg({ endpoint: server.origin }), timeout: 60_000 }, ctx("sms", "zh-CN"));
    const out = await ch.send(message("sms"), deadline(60_000));
    expect(out).toMatchObject({ ok: true, id: expect.stringMatching(/\^0$/) });
    const [sms] = server.sms();
    expect(sms).toMatchObject({
      PhoneNumbers: "13800000000,+8613900000000",
      SignName: "阿里云",
      TemplateCode: "SMS_153055065",
      OutId: "mwt1abc-sms",
    });
    expect(JSON.parse(sms!.TemplateParam!)).toMatchObject({ check: "cosyvoice", host: "gpu-box-01" });
  });

  it("a wrong AccessKeySecret: HTTP 400 SignatureDoesNotMatch, permanent, no secret in the error", async () => {
    server = await startAliyunSms({ accessKeyId: AK, accessKeySecret: SK });
    const ch = createAliyunSmsChannel(
      { ...cfg({ endpoint: server.origin, access_key_secret: "wrong-secret-value-XYZ" }), timeout: 5000 },
      ctx("sms"),
    );
    const out = await ch.send(message("sms"), deadline());
    expect(out).toMatchObject({
      ok: false,
      retryable: false,
      reason: "auth",
      error: expect.stringContaining("SignatureDoesNotMatch"),
      hint: "check `access_key_secret`",
    });
    expect(JSON.stringify(out)).not.toMatch(/wrong-secret-value-XYZ|LTAI5tTESTKEYID/);
  });

  it("an unknown AccessKeyId: HTTP 404 InvalidAccessKeyId.NotFound, permanent", async () => {
    server = await startAliyunSms({ accessKeyId: AK, accessKeySecret: SK });
    const ch = createAliyunSmsChannel(
      { ...cfg({ endpoint: server.origin, access_key_id: "LTAIunknown" }), timeout: 5000 },
      ctx("sms"),
    );
    expect(await ch.send(message("sms"), deadline())).toMatchObject({
      ok: false,
      retryable: false,
      reason: "auth",
      error: expect.stringContaining("InvalidAccessKeyId.NotFound"),
    });
  });

  const businessCodes: [code: string, message: string, retryable: boolean, hint: RegExp][] = [
    ["isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1", true, /retried later/],
    ["isv.AMOUNT_NOT_ENOUGH", "账户余额不足", false, /top up/],
    ["isv.OUT_OF_SERVICE", "业务停机", false, /top up/],
    ["isv.MOBILE_NUMBER_ILLEGAL", "非法手机号", false, /phone_numbers/],
    ["isv.TEMPLATE_MISSING_PARAMETERS", "模板缺少变量", false, /template_params/],
    ["isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值", false, /template_params/],
    ["isv.SMS_SIGNATURE_ILLEGAL", "签名不合法", false, /sign_name/],
    ["isv.SMS_TEMPLATE_ILLEGAL", "模板不合法", false, /template_code/],
    ["isv.DAY_LIMIT_CONTROL", "触发日发送限额", false, /daily/],
    ["isp.RAM_PERMISSION_DENY", "RAM权限DENY", false, /AliyunDysmsFullAccess/],
    ["isp.SYSTEM_ERROR", "系统错误", true, /retried later/],
  ];
  it.each(businessCodes)("HTTP 200 with Code %s (%s) is a failure with a hint", async (code, msg, retryable, hint) => {
    server = await startAliyunSms({ accessKeyId: AK, accessKeySecret: SK });
    await server.setMode("error", { Code: code, Message: msg, RequestId: "F655A8D5-B967-440B-8683-000000000009" });
    const ch = createAliyunSmsChannel({ ...cfg({ endpoint: server.origin }), timeout: 5000 }, ctx("sms"));
    const out = await ch.send(message("sms"), deadline());
    expect(out).toMatchObject({ ok: false, retryable, error: `Aliyun SMS ${code}: ${msg}` });
    expect(out.ok ? "" : out.hint).toMatch(hint);
    expect(ALIYUN_CODES[code]).toBeDefined();
  });

  it("refused, silent server, HTTP 500: retryable, within the timeout", async () => {
    server = await startAliyunSms({ accessKeyId: AK, accessKeySecret: SK });
    const ch = createAliyunSmsChannel({ ...cfg({ endpoint: server.origin }), timeout: 800 }, ctx("sms"));
    await server.setMode("500");
    expect(await ch.send(message("sms"), deadline())).toMatchObject({ ok: false, retryable: true });
    await server.setMode("hang");
    expect(await ch.send(message("sms"), deadline())).toMatchObject({ ok: false, retryable: true, reason: "timeout" });
    await server.setMode("refuse");
    expect(await ch.send(message("sms"), deadline())).toMatchObject({ ok: false, retryable: true, reason: "network" });
  });
});
