import { fail, type SendOutcome } from "./types.js";

/** CLOCK_WORDS are the certificate errors a wrong local clock explains (an RTC reset, NTP not yet synced). */
const CLOCK_WORDS: Record<string, string> = {
  CERT_NOT_YET_VALID: "is not yet valid",
  CERT_HAS_EXPIRED: "has expired",
};

/**
 * clockTlsFailure is the outcome of a certificate refused for its dates: retryable (the outbox keeps it until
 * max_age), and naming the local clock as the likely cause. Undefined for any other code.
 */
export function clockTlsFailure(code: string, where: string): SendOutcome | undefined {
  const what = CLOCK_WORDS[code];
  if (!what) return undefined;
  // The machine's real clock: the one TLS checked the certificate's dates against.
  const clock = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  return fail(
    "clock",
    true,
    `${where}TLS certificate ${what} (${code}) by this machine's clock (${clock})`,
    "the local clock is likely wrong (a reset RTC, NTP not synced yet): check `timedatectl`; " +
      "the message is kept and retried until outbox.max_age",
  );
}
