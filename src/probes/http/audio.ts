import { z } from "zod";
import { duration } from "../../core/fields.js";

/**
 * audioExpectation is `expect.audio` of an http check: the answer decodes as audio of a minimum duration that is not
 * silence. `wav` reads the RIFF header; `pcm_s16le` is headerless 16-bit little-endian samples, as CosyVoice's
 * FastAPI server streams them (runtime/python/fastapi/server.py, generate_data), at the model's sample rate.
 */
export const audioExpectation = z
  .strictObject({
    format: z
      .enum(["wav", "pcm_s16le"])
      .describe(
        "wav (its RIFF header is read) or pcm_s16le (raw 16-bit samples, as CosyVoice's FastAPI server sends).",
      ),
    sample_rate: z
      .number()
      .int()
      .min(1000)
      .max(768_000)
      .optional()
      .describe("pcm_s16le only: the model's samples per second (CosyVoice 22050, CosyVoice2 24000)."),
    channels: z.number().int().min(1).max(16).default(1).describe("pcm_s16le only: the stream's interleaved channels."),
    min_duration: duration.default(300).describe("Shorter audio is critical (default 0.3s)."),
    // The RMS is taken after removing any DC offset.
    silence_below: z
      .number()
      .max(0)
      .default(-50)
      .describe("The loudness (dBFS of the RMS) under which the audio counts as silence, which is critical."),
  })
  .superRefine((a, ctx) => {
    if (a.format === "pcm_s16le" && a.sample_rate === undefined)
      ctx.addIssue({ code: "custom", path: ["sample_rate"], message: "pcm_s16le needs sample_rate (e.g. 22050)" });
  });
export type AudioExpectation = z.output<typeof audioExpectation>;

/** Pcm is decoded audio: its layout, how many seconds the whole answer holds, and the samples kept (-1..1). */
type Pcm = { rate: number; channels: number; seconds: number; samples: Float64Array };

/** AudioVerdict is what the audio was found to be: too short, silent, not audio at all, or fine; with the numbers. */
export type AudioVerdict =
  | { ok: true; seconds: number; dbfs: number }
  | { ok: false; why: "short"; seconds: number }
  | { ok: false; why: "silence"; seconds: number; dbfs: number }
  | { ok: false; why: "undecodable"; detail: string };

/**
 * judgeAudio decodes `kept` (the first bytes of an answer of `total` bytes) and grades it. Duration comes from the
 * byte count of the whole answer; loudness from the samples kept.
 */
export function judgeAudio(kept: Buffer, total: number, want: AudioExpectation): AudioVerdict {
  // A raw stream that comes with a RIFF header after all (a fork of the server that wraps it) is read as the WAV.
  const wav = want.format === "wav" || isWav(kept);
  const pcm = wav ? decodeWav(kept, total) : decodePcm16(kept, total, want);
  if ("error" in pcm) return { ok: false, why: "undecodable", detail: pcm.error };
  const seconds = pcm.seconds;
  if (seconds * 1000 < want.min_duration) return { ok: false, why: "short", seconds };
  const dbfs = rmsDbfs(pcm.samples);
  if (dbfs < want.silence_below) return { ok: false, why: "silence", seconds, dbfs };
  return { ok: true, seconds, dbfs };
}

/** rmsDbfs is the RMS level of the samples in dB relative to full scale, DC offset removed; -Infinity for none. */
export function rmsDbfs(samples: Float64Array): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (const s of samples) sum += s;
  const mean = sum / samples.length;
  let sq = 0;
  for (const s of samples) sq += (s - mean) * (s - mean);
  const rms = Math.sqrt(sq / samples.length);
  return rms === 0 ? -Infinity : 20 * Math.log10(rms);
}

function isWav(b: Buffer): boolean {
  return b.length >= 12 && b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WAVE";
}

function decodePcm16(kept: Buffer, total: number, want: AudioExpectation): Pcm | { error: string } {
  const rate = want.sample_rate ?? 0;
  const frame = 2 * want.channels;
  const samples = new Float64Array(Math.floor(kept.length / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = kept.readInt16LE(i * 2) / 32768;
  return { rate, channels: want.channels, seconds: Math.floor(total / frame) / rate, samples };
}

/**
 * decodeWav reads a RIFF/WAVE answer: the `fmt ` chunk (PCM 8/16/24/32-bit or IEEE float 32/64, or EXTENSIBLE
 * with those) and the `data` chunk. A streamed WAV may declare a data size of 0 or 0xFFFFFFFF: the rest of the
 * answer is the data then.
 */
export function decodeWav(kept: Buffer, total: number): Pcm | { error: string } {
  if (!isWav(kept)) {
    const start = JSON.stringify(kept.subarray(0, 8).toString("latin1"));
    return { error: kept.length === 0 ? "empty" : `not a WAV file (starts with ${start})` };
  }
  let fmt: { tag: number; channels: number; rate: number; bits: number } | undefined;
  let at = 12;
  while (at + 8 <= kept.length) {
    const id = kept.toString("latin1", at, at + 4);
    const size = kept.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === "fmt " && body + 16 <= kept.length) {
      let tag = kept.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
      if (tag === 0xfffe && size >= 40 && body + 26 <= kept.length) tag = kept.readUInt16LE(body + 24);
      const channels = kept.readUInt16LE(body + 2);
      fmt = { tag, channels, rate: kept.readUInt32LE(body + 4), bits: kept.readUInt16LE(body + 14) };
    } else if (id === "data") {
      if (!fmt) return { error: "WAV data before its fmt chunk" };
      return samplesOf(kept, total, body, size, fmt);
    }
    at = body + size + (size % 2);
  }
  return { error: fmt ? "WAV has no data chunk" : "WAV has no fmt chunk" };
}

function samplesOf(
  kept: Buffer,
  total: number,
  body: number,
  declared: number,
  fmt: { tag: number; channels: number; rate: number; bits: number },
): Pcm | { error: string } {
  const { tag, channels, rate, bits } = fmt;
  const width = bits / 8;
  const float = tag === 3 && (bits === 32 || bits === 64);
  if (!(tag === 1 && [8, 16, 24, 32].includes(bits)) && !float)
    return { error: `unsupported WAV encoding (format ${tag}, ${bits} bits)` };
  if (channels < 1 || rate < 1) return { error: "WAV header has no channels or sample rate" };
  const streamed = declared === 0 || declared === 0xffffffff;
  const dataBytes = Math.max(0, streamed ? total - body : Math.min(declared, total - body));
  const n = Math.floor(Math.max(0, Math.min(kept.length - body, dataBytes)) / width);
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = body + i * width;
    if (float) samples[i] = bits === 32 ? kept.readFloatLE(o) : kept.readDoubleLE(o);
    else if (bits === 8) samples[i] = (kept.readUInt8(o) - 128) / 128;
    else if (bits === 16) samples[i] = kept.readInt16LE(o) / 32768;
    else if (bits === 24) samples[i] = kept.readIntLE(o, 3) / 8388608;
    else samples[i] = kept.readInt32LE(o) / 2147483648;
  }
  return { rate, channels, seconds: Math.floor(dataBytes / (width * channels)) / rate, samples };
}
