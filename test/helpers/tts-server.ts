import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake TTS server on 127.0.0.1. Its /inference_* routes speak like CosyVoice's FastAPI server
 * (runtime/python/fastapi/server.py): GET or POST with form fields (tts_text, spk_id...), answered by a
 * StreamingResponse of raw int16 little-endian PCM at the model's sample rate, no header, no content type, in
 * chunks. /tts.wav answers the same speech as one WAV file (audio/wav), as many other TTS servers do.
 *
 * - healthy: a speech-like tone (a 220 Hz voice, its loudness moving at syllable rate);
 * - silent: the same length of all-zero samples;
 * - empty: 200 with no audio at all;
 * - hang: the docs page answers, the inference call never does (until the server closes).
 */
export type TtsState = "healthy" | "silent" | "empty" | "hang";

/** SAMPLE_RATE is CosyVoice 1's (examples/libritts/cosyvoice/conf/cosyvoice.yaml: sample_rate: 22050). */
export const SAMPLE_RATE = 22050;

/** FakeTts is a started fake: its URL, its state switch, and close. */
export type FakeTts = { url: string; setState(state: TtsState): void; close(): Promise<void> };

/** speech gives `seconds` of int16 PCM: a 220 Hz tone whose loudness rises and falls four times a second. */
export function speech(seconds: number, rate = SAMPLE_RATE): Buffer {
  const n = Math.round(seconds * rate);
  const out = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    out.writeInt16LE(Math.round(0.3 * envelope * Math.sin(2 * Math.PI * 220 * t) * 32767), i * 2);
  }
  return out;
}

/** wav wraps int16 mono PCM in a 44-byte RIFF/WAVE header. */
export function wav(pcm: Buffer, rate = SAMPLE_RATE): Buffer {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "latin1");
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write("WAVEfmt ", 8, "latin1");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "latin1");
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
}

/** startTts starts a fake TTS server in `state`. */
export async function startTts(opts: { state: TtsState; seconds?: number }): Promise<FakeTts> {
  let state = opts.state;
  const seconds = opts.seconds ?? 1.8;
  const audio = () =>
    state === "empty" ? Buffer.alloc(0) : state === "silent" ? Buffer.alloc(speech(seconds).length) : speech(seconds);
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (path === "/docs") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end("<!DOCTYPE html><html><head><title>FastAPI - Swagger UI</title></head></html>");
      }
      const form = new URLSearchParams(raw);
      if (path.startsWith("/inference_")) {
        // FastAPI's answer to a missing Form() field.
        if (!form.get("tts_text")) {
          res.writeHead(422, { "content-type": "application/json" });
          const detail = [{ type: "missing", loc: ["body", "tts_text"], msg: "Field required", input: null }];
          return res.end(JSON.stringify({ detail }));
        }
        if (state === "hang") return;
        // StreamingResponse with no media_type: chunked, no content type; one chunk per model output piece.
        res.writeHead(200);
        const pcm = audio();
        const piece = 16_000;
        for (let i = 0; i < pcm.length; i += piece) res.write(pcm.subarray(i, i + piece));
        return res.end();
      }
      if (path === "/tts.wav") {
        if (state === "hang") return;
        const body = state === "empty" ? Buffer.alloc(0) : wav(audio());
        res.writeHead(200, { "content-type": "audio/wav", "content-length": body.length });
        return res.end(body);
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ detail: "Not Found" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setState: (s) => void (state = s),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
