/**
 * The shape of a catalog entry and the helpers the family files share. Rules for every pattern (all kinds): case
 * variants spelled out (`[Nn]o`), never a flag, and a literal of 8+ bytes that every match contains, so that the byte
 * prefilter finds candidate lines without running the regex (test/probes/log/causes*.test.ts check them). Every
 * pattern is matched by a linear-time engine (RE2 syntax): lookbehind yes, lookahead and backreferences no.
 */
import type { Locale } from "../../../core/status.js";

export type { Locale } from "../../../core/status.js";

/** Cause is one entry of the catalog. */
export type Cause = {
  id: string;
  /** Patterns that name this cause outright. */
  regexes: RegExp[];
  /**
   * Patterns of a line that reports an error it carries (the NCCL watchdog, an Xid that follows an earlier one): they
   * name this cause only when no line of the same read names a cause outright.
   */
  carriers?: RegExp[];
  /**
   * Patterns that name this cause only when a line of the same read matches one of `evidence`: a bare `Killed` is the
   * kernel's OOM killer only when the read speaks of memory (a service's own watchdog kills too).
   */
  weak?: { regexes: RegExp[]; evidence: RegExp[] };
  /**
   * The broad rules: the cause's mechanism in any tool's words, on a line that says something failed (IN_ERROR). They
   * name this cause only when nothing else of the read names a cause, not even a wrapper: the last resort for wordings
   * the patterns above have not met.
   */
  broad?: RegExp[];
  /**
   * Patterns of a line that says the service goes on without what this cause names (a warning about an optional
   * module, a fallback after a failure): the report of this cause right before it, or else the next line that
   * matches anything, names nothing of this cause (cause-pick.ts, createExcuser).
   */
  excuses?: RegExp[];
  /**
   * Patterns of a line that says the failure just reported has passed (a retry that goes on, a server that answered
   * after all, a fallback that loaded): like an excuse, the report of this cause right before it names nothing; unlike
   * one, it never reaches a failure after it (`Listening at:` said at a start does not excuse a later bind error).
   */
  recoveries?: RegExp[];
  text: Record<Locale, { explain: string; action: string }>;
  /** A wrapper says that something failed, not why: any other cause found in the same read wins over it. */
  wrapper?: boolean;
  /** False for a cause no restart of the service can fix (the host, driver, disk or install must change first). */
  restartHelps?: false;
};

/** t builds a cause's text from [explanation, action] in English and in Chinese. */
export const t = (en: [string, string], zh: [string, string]): Cause["text"] => ({
  en: { explain: en[0], action: en[1] },
  "zh-CN": { explain: zh[0], action: zh[1] },
});

/** XID matches an NVRM Xid line of one of the codes (`79`, `48|63`). */
// A thread's title says a plain code bare, with the driver's name for it after (`Xid 109 (GSP CTX SWITCH TIMEOUT)`):
// spelled out one code at a time, so that each has its own literal for the prefilter (of 8 bytes: two digits or more).
export const XID = (codes: string) => {
  const plain = codes.split("|").filter((c) => /^\d\d+$/.test(c));
  const bare = plain.map((c) => `|(?<!previous )\\bXid ${c} \\(`).join("");
  return new RegExp(`Xid \\(PCI:[^)]*\\): (?:${codes})\\b${bare}`);
};

/** AFTER_XID matches a later Xid's note that an earlier one of these codes caused it (`caused by previous Xid 149`). */
export const AFTER_XID = (codes: string) => new RegExp(`caused by previous Xid (?:${codes})\\b`);

/**
 * EXIT matches an exit status as shells, docker, supervisors and Kubernetes report it (`exit code 139`,
 * `exit status 137`, `exitCode: 137`).
 */
// Kubernetes' `kubectl describe` pads its fields (`Exit Code:    137`), so any run of spaces after the word.
const EXIT_WORDS =
  "(?:exit code|Exit Code|exit status|exited with code|exited with status|exit_code|exitCode|ExitCode)";
// logfmt's `exit=137` (a supervisor's or a script's key=value line) too.
export const EXIT = (code: number) =>
  new RegExp(`${EXIT_WORDS}"?[:=]? *${code}\\b|Exited \\(${code}\\)|\\bexit=${code}\\b`);

/**
 * HUB_HOST is the hosts models come from: Hugging Face (its mirror, CDN and Xet storage), ModelScope, Civitai, GitHub
 * releases, Ollama's registry with its Cloudflare R2 storage, and Aliyun OSS buckets.
 */
export const HUB_HOST =
  "(?:huggingface\\.co|hf-mirror\\.com|cdn-lfs\\.huggingface\\.co|cdn-lfs\\.hf\\.co|cdn-lfs-[a-z0-9.-]*\\.hf\\.co|" +
  "xethub\\.hf\\.co|[a-z0-9.-]*modelscope\\.cn|civitai\\.[a-z]+|" +
  "github\\.com|[a-z.]*githubusercontent\\.com|ollama\\.ai|ollama\\.com|[a-z0-9.-]*cloudflarestorage\\.com|" +
  // Aliyun OSS: ModelScope's storage, and where Chinese projects (EasyPhoto) keep their weights.
  "[a-z0-9.-]*oss-[a-z0-9-]+\\.aliyuncs\\.com)";

/**
 * IN_ERROR matches a line that holds `words` (a literal of 8+ bytes, escaped) and says that something failed, before or
 * after them, and no warning or retry before both: a broad rule's guard (the same words in INFO, a warning or a retry
 * name nothing).
 */
// logrus and zap print the level short: `[ERRO]`, `ERRO[0001]`.
const ERROR_MARK = "(?:ERROR|ERRO\\b|FATAL|CRITICAL|[Ee]rror|[Ee]xception|[Ff]ailed|[Ff]ailure)";
// Not a warning or a retry said before it: the program goes on.
export const GOES_ON = "(?<!(?:WARN|[Ww]arning|[Rr]etry)[^\\n]*)";
export const IN_ERROR = (words: string) =>
  new RegExp(`${GOES_ON}(?:${ERROR_MARK}[^\\n]*${words}|${words}[^\\n]*${ERROR_MARK})`);

/** HUB_URL matches the start of a URL on one of the hubs (`https://huggingface.co/`). */
export const HUB_URL = `https?:\\/\\/(?:[a-z0-9-]+\\.)*${HUB_HOST}\\/`;
