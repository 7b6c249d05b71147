import picomatch from "picomatch/posix.js";

/**
 * The one glob syntax of watchdog, for silence patterns (`watchdog silence add 'llm-*'`) and for the file names of
 * a log path (`/var/log/vllm/*.log`): `*` any run of characters, `?` one character, `[abc]`, `[a-z]` and `[!abc]`
 * one of (or none of) a set, `\` makes the next character plain. A leading `.` must be written, as in the shell:
 * `*` never names a hidden file or check. picomatch does the matching; what it would do beyond this is turned off,
 * so that a check name such as `llm(a)` or `!x` stays a plain name: no braces, extglobs, leading `!` negation,
 * and parentheses and `|` (picomatch's regex groups, which no option turns off) are made plain before it sees them.
 * `bash: true` lets `*` match a `/` inside a check name (`gpu*` names `gpu/0`, as before picomatch); a log path is
 * matched one name at a time, so there it never crosses a directory.
 */
const OPTIONS: picomatch.PicomatchOptions = {
  bash: true,
  dot: false,
  nobrace: true,
  noextglob: true,
  nonegate: true,
  posix: true,
};

/** hasGlob says whether a pattern has any glob character (else it names one thing, and is compared as it is). */
export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** globMatcher compiles a pattern once into a test of one name (a check name, or one file name of a path). */
export function globMatcher(pattern: string): (name: string) => boolean {
  try {
    return picomatch(pattern.replace(/[()|]/g, "\\$&"), OPTIONS);
  } catch {
    // picomatch refuses an empty pattern (and one over 64 KiB): such a pattern names only itself.
    return (name) => name === pattern;
  }
}

/** matchGlob says whether `name` matches `pattern` (for one-off tests; compile with globMatcher in a loop). */
export function matchGlob(pattern: string, name: string): boolean {
  return globMatcher(pattern)(name);
}
