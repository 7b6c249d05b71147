import { afterEach, describe, expect, it } from "vitest";
import { decodeWav, rmsDbfs } from "../../../src/probes/http/audio.js";
import { httpConfigSchema, httpProbe } from "../../../src/probes/http/index.js";
import { speech, startTts, wav, type FakeTts } from "../../helpers/tts-server.js";
import { ctx } from "../ctx.js";

let server: FakeTts | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const run = (over: Record<string, unknown>) => httpProbe.run(httpConfigSchema.parse({ type: "http", ...over }), ctx());
const wavCheck = (url: string, extra: Record<string, unknown> = {}) =>
  run({ url: `${url}/tts.wav`, expect: { audio: { format: "wav", min_duration: "0.5s", ...extra } } });
// CosyVoice's own client sends the form fields with GET (runtime/python/fastapi/client.py).
const pcmCheck = (url: string) =>
  run({
    url: `${url}/inference_sft`,
    method: "GET",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "tts_text=%E4%BD%A0%E5%A5%BD&spk_id=%E4%B8%AD%E6%96%87%E5%A5%B3",
    expect: { audio: { format: "pcm_s16le", sample_rate: 22050, min_duration: "0.5s" } },
  });

describe("audio decoding", () => {
  it("a speech-like tone is loud, zeros are silence, a DC offset alone is silence", () => {
    const toFloat = (b: Buffer) => Float64Array.from({ length: b.length / 2 }, (_, i) => b.readInt16LE(i * 2) / 32768);
    expect(rmsDbfs(toFloat(speech(1)))).toBeGreaterThan(-25);
    expect(rmsDbfs(new Float64Array(1000))).toBe(-Infinity);
    expect(rmsDbfs(new Float64Array(1000).fill(0.5))).toBe(-Infinity);
  });

  it("reads a WAV's duration from its header and the answer's length; a streamed WAV's size 0xFFFFFFFF too", () => {
    const w = wav(speech(1.5));
    const r = decodeWav(w, w.length);
    expect("seconds" in r && r.seconds).toBeCloseTo(1.5, 3);
    const streamed = Buffer.from(w);
    streamed.writeUInt32LE(0xffffffff, 40);
    const s = decodeWav(streamed, streamed.length);
    expect("seconds" in s && s.seconds).toBeCloseTo(1.5, 3);
    expect(decodeWav(Buffer.from("<html>oops</html>"), 17)).toEqual({
      error: 'not a WAV file (starts with "<html>oo")',
    });
  });
});

describe("http probe: expect.audio against a fake TTS server", () => {
  it("a WAV of a speech-like tone is ok, with its length and level", async () => {
    server = await startTts({ state: "healthy", seconds: 1.8 });
    const out = await wavCheck(server.url);
    expect(out.status).toBe("ok");
    expect(out.summary).toMatch(/answered 200 in \d+ms, 1\.8 s of audio \(RMS -\d+ dBFS\)$/);
    expect(out.metrics).toMatchObject({ audio_seconds: 1.8 });
  });

  it("an all-zero WAV is critical: silence", async () => {
    server = await startTts({ state: "silent", seconds: 1.8 });
    const out = await wavCheck(server.url);
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/answered 200 in \d+ms: 1\.8 s of silence \(RMS -inf dBFS, under -50\)$/);
  });

  it("a 0-byte answer is critical: 0.0 s of audio", async () => {
    server = await startTts({ state: "empty" });
    const out = await wavCheck(server.url);
    expect(out.status).toBe("critical");
    expect(out.summary).toMatch(/answered 200 in \d+ms: 0\.0 s of audio, expected at least 0\.5 s$/);
  });

  it("too short is critical", async () => {
    server = await startTts({ state: "healthy", seconds: 0.2 });
    const out = await wavCheck(server.url);
    expect(out.status).toBe("critical");
    expect(out.summary).toContain(": 0.2 s of audio, expected at least 0.5 s");
  });

  it("an answer that is not WAV is critical and says what it is", async () => {
    server = await startTts({ state: "healthy" });
    const out = await run({ url: `${server.url}/docs`, expect: { audio: { format: "wav" } } });
    expect(out.status).toBe("critical");
    expect(out.summary).toContain(': the answer is not wav audio: not a WAV file (starts with "<!DOCTYP")');
  });

  it("CosyVoice's raw PCM stream of a tone is ok; of zeros, silence", async () => {
    server = await startTts({ state: "healthy", seconds: 1.8 });
    const ok = await pcmCheck(server.url);
    expect(ok.status).toBe("ok");
    expect(ok.summary).toMatch(/1\.8 s of audio \(RMS -\d+ dBFS\)$/);
    server.setState("silent");
    const silent = await pcmCheck(server.url);
    expect(silent.status).toBe("critical");
    expect(silent.summary).toContain("1.8 s of silence");
  });

  it("pcm_s16le that comes as a WAV after all is read as the WAV", async () => {
    server = await startTts({ state: "healthy", seconds: 1.8 });
    const out = await run({
      url: `${server.url}/tts.wav`,
      expect: { audio: { format: "pcm_s16le", sample_rate: 16000, min_duration: "0.5s" } },
    });
    expect(out.status).toBe("ok");
    // The header's 22050 Hz, not the configured 16000: 1.8 s, not 2.5 s.
    expect(out.summary).toMatch(/, 1\.8 s of audio/);
  });

  it("pcm_s16le without sample_rate does not validate", () => {
    const r = httpConfigSchema.safeParse({
      type: "http",
      url: "http://127.0.0.1:1/",
      expect: { audio: { format: "pcm_s16le" } },
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("pcm_s16le needs sample_rate");
  });
});
