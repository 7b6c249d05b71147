import { z } from "zod";
import { parseDuration, parseSize } from "../duration.js";
import { SEVERITIES } from "./status.js";
import { linearSyntaxError } from "./linear-regex.js";

/**
 * duration is a config field written as "500ms", "10s", "2m", "1h", "1d" (or a number of seconds), parsed to
 * milliseconds.
 */
export const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = typeof v === "number" ? v * 1000 : parseDuration(v);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    ctx.addIssue({
      code: "custom",
      message: `invalid duration ${JSON.stringify(v)}: write e.g. 500ms, 10s, 2m, 1h, 1d`,
    });
    return z.NEVER;
  }
  return ms;
});

/** size is a config field written as "8GiB", "512MB" or a number of bytes, parsed to bytes. */
export const size = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const b = parseSize(v);
  if (b === undefined) {
    ctx.addIssue({ code: "custom", message: `invalid size ${JSON.stringify(v)}: write e.g. 512MB, 8GiB` });
    return z.NEVER;
  }
  return b;
});

/** percent is a number from 0 to 100. */
export const percent = z.number().min(0).max(100);

/** severity is the level an alert or a channel threshold speaks of. */
export const severity = z.enum(SEVERITIES);

/** mobiles is a list of phone numbers to @mention in a robot message; YAML reads 13800000000 as a number. */
export const mobiles = z.array(z.union([z.string(), z.number()]).transform(String)).default([]);

/** viaProxy is a probe's `proxy:` key: a local service is reached directly when the channels need a proxy. */
export const viaProxy = z
  .boolean()
  .default(true)
  .describe("false: never through HTTP_PROXY/HTTPS_PROXY (a local service behind a proxy set for the channels).");

/** stringList accepts one string or a list of strings. */
export const stringList = z.union([z.string().transform((s) => [s]), z.array(z.string())]);

/**
 * httpUrl is an http:// or https:// URL. A URL without its scheme, as people write it (`localhost:8000/health`), is
 * still a valid URL of scheme "localhost:", which would fail every run instead of at validate. The value is not
 * quoted in the message: a webhook URL carries its token.
 */
export const httpUrl = z.string().superRefine((s, ctx) => {
  let protocol: string | undefined;
  try {
    protocol = new URL(s).protocol;
  } catch {
    // Not a URL at all: the same message.
  }
  if (protocol === "http:" || protocol === "https:") return;
  ctx.addIssue({
    code: "custom",
    message: "must be a URL that starts with http:// or https:// (e.g. http://127.0.0.1:8000/health)",
  });
});

/**
 * textRegex is a pattern matched against text from outside (log lines): a JavaScript regex that the linear-time
 * engine (core/linear-regex.ts) also accepts, so that no line can hold a run.
 */
export const textRegex = z.string().superRefine((s, ctx) => {
  let why: string | undefined;
  try {
    new RegExp(s);
    why = linearSyntaxError(s);
  } catch (err) {
    why = `invalid regex: ${(err as Error).message}`;
  }
  if (why) ctx.addIssue({ code: "custom", message: why });
});
