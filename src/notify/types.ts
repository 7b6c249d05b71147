import type { Deps } from "../deps.js";
import type { Message } from "../engine/types.js";

/** FailureReason classifies a failed send, for logs, hints and the retry decision. */
export type FailureReason =
  "network" | "timeout" | "server" | "rate_limited" | "auth" | "client" | "provider_code" | "config" | "clock";

/** SendOutcome tells the caller whether the message went out and, if not, whether a retry can help. */
export type SendOutcome =
  | { ok: true; id?: string; response?: string }
  | { ok: false; retryable: boolean; reason: FailureReason; error: string; hint?: string; response?: string };

/** Channel delivers one message. It must never throw. */
export interface Channel {
  readonly name: string;
  readonly type: string;
  /** Where it sends (host:port), for messages such as a send deadline; set by createChannels. */
  target?: string;
  send(message: Message, signal: AbortSignal): Promise<SendOutcome>;
}

/** ChannelContext is what a channel factory may use. */
export interface ChannelContext {
  name: string;
  deps: Deps;
  locale: Locale;
  /** Where a channel that prints (console) writes: the command's stdout, or stderr under --json. Default stdout. */
  write?: (text: string) => void;
}

/**
 * Attempt is one message handed to one channel (after in-run retries), for logs, history and the report. `ids` lists
 * every message id the send stood for (merged messages); always set by deliver.
 */
export type Attempt = {
  id: string;
  ids?: string[];
  channel: string;
  checks: string[];
  ok: boolean;
  tries: number;
  fallbackFrom?: string;
  outcome: SendOutcome;
};

/** Locale is the language of alert messages. */
export type Locale = "en" | "zh-CN";

/** fail builds a failed SendOutcome. */
export function fail(reason: FailureReason, retryable: boolean, error: string, hint?: string): SendOutcome {
  return hint === undefined ? { ok: false, retryable, reason, error } : { ok: false, retryable, reason, error, hint };
}
