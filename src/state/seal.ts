import { BUILD_ID } from "../core/build-id.js";
import { hash64 } from "../core/hash.js";
import type { State } from "../engine/types.js";

/*
 * The state file's seal: the last top-level key of the file, `"seal":"<16 hex>"`, a hash of the build id and of the
 * exact text written before it. A file this very build wrote and nobody changed since is read back with JSON.parse
 * alone: decoding it with the schema (zod) would give the same state, and costs every cron run start-up time.
 * Anything else (an older file without a seal, another build's, any edit) goes through the schema as before.
 *
 * The hash is core/hash.ts's fast non-cryptographic one (node:crypto costs start-up memory). It tells this build's
 * own text from any other text, nothing more: whoever can write root's state file can also write a matching seal,
 * and could as well write a state that fits the schema.
 */

const HEAD = ',"seal":"';
/** TAIL_LENGTH is the length of `,"seal":"<16 hex>"}\n`, the end of every sealed file. */
const TAIL_LENGTH = HEAD.length + 16 + 3;
const HEX16 = /^[0-9a-f]{16}$/;

/** sealOf is the seal of BODY (the state's JSON text without the seal) written by the build BUILD. */
export function sealOf(body: string, build: string = BUILD_ID): string {
  return hash64(`${build}\n${body}`);
}

/**
 * stateText is the text the state file gets: STATE as one JSON object, every string value passed through REDACT
 * (error texts from a channel could quote a token), then the seal of that text as the last key, then a newline.
 * Where JSON would change a value (NaN or Infinity, a hole in a list: both written as null, which the schema
 * refuses), the text goes unsealed, so the next read is the schema's, as it was before seals.
 */
export function stateText(state: State, redact: (s: string) => string, build: string = BUILD_ID): string {
  let exact = true;
  const body = JSON.stringify(state, function (this: unknown, key: string, value: unknown) {
    if (key === "seal" && this === state) return undefined; // Never two seals in one file.
    if (typeof value === "string") return redact(value);
    if (typeof value === "number" && !Number.isFinite(value)) exact = false;
    else if (Array.isArray(this) && (value === undefined || typeof value === "function" || typeof value === "symbol")) {
      exact = false;
    }
    return value;
  });
  if (!exact || !body.startsWith("{") || body === "{}") return `${body}\n`;
  return `${body.slice(0, -1)}${HEAD}${sealOf(body, build)}"}\n`;
}

/**
 * sealedState is the state in TEXT when TEXT ends with a seal of this build that matches the text before it:
 * parsed with JSON.parse alone, without the seal. Undefined for every other text (then the schema reads it).
 */
export function sealedState(text: string): State | undefined {
  if (text.length <= TAIL_LENGTH || !text.endsWith('"}\n')) return undefined;
  const at = text.length - TAIL_LENGTH;
  if (!text.startsWith(HEAD, at)) return undefined;
  const seal = text.slice(at + HEAD.length, text.length - 3);
  if (!HEX16.test(seal)) return undefined;
  const body = `${text.slice(0, at)}}`;
  if (sealOf(body) !== seal) return undefined;
  try {
    return JSON.parse(body) as State;
  } catch {
    return undefined; // A seal cannot match text this build did not write; the schema's reading says what is wrong.
  }
}

/**
 * withoutSeal drops the top-level `seal` key of DATA (parsed JSON of any shape) before the schema reads it: the
 * schema keeps unknown keys, and a seal kept in the state would be written again beside the next one.
 */
export function withoutSeal(data: unknown): unknown {
  if (data !== null && typeof data === "object" && !Array.isArray(data) && Object.hasOwn(data, "seal")) {
    delete (data as Record<string, unknown>).seal;
  }
  return data;
}
