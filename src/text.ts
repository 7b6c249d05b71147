/**
 * Terminal escape sequences, removed whole: CSI (`ESC [ … final`, colours and `ESC[2J`), the string commands OSC,
 * DCS, SOS, PM and APC (`ESC ] 0;title BEL` retitles a terminal), ended by BEL or ST, or else at the end of the line
 * so an unended one cannot swallow the rest of the text; two-byte ESC commands (`ESC c` resets the terminal); and
 * the 8-bit C1 forms of CSI and the string commands.
 */
const SEQUENCE = new RegExp(
  [
    "\\u001b\\[[0-?]*[ -/]*[@-~]",
    "\\u009b[0-?]*[ -/]*[@-~]",
    "(?:\\u001b[\\]PX^_]|[\\u0090\\u0098\\u009d\\u009e\\u009f])" +
      "[^\\u0007\\u001b\\u009c\\n]*(?:\\u0007|\\u001b\\\\|\\u009c)?",
    "\\u001b[ -/]*[0-~]",
  ].join("|"),
  "g",
);

/** Any other C0 control but tab and newline, DEL, and C1: shown as U+FFFD so that something visibly was there. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * stripControl makes text that came from outside (plugin output, HTTP bodies, vendor answers, log lines, process
 * names, nvidia-smi output) safe to print on a terminal: escape sequences are removed, CRLF becomes LF, and any other
 * control character but tab and newline becomes U+FFFD. A line that retitles or clears the terminal, moves the cursor
 * or breaks a table cannot pass.
 */
export function stripControl(text: string): string {
  return text.replace(SEQUENCE, "").replace(/\r\n/g, "\n").replace(CONTROL, "\uFFFD");
}

/** OWN_COLOUR is the one sequence watchdog itself prints (SGR colours in a table on a terminal). */
const OWN_COLOUR = /(\u001b\[[0-9;]*m)/;

/**
 * stripControlKeepColour is stripControl for a whole report that watchdog has already coloured: its own SGR colour
 * codes survive, everything else is made safe. A backstop for text from outside that was not cleaned where it came
 * in (an old state or history file).
 */
export function stripControlKeepColour(text: string): string {
  if (!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text)) return text;
  return text
    .split(OWN_COLOUR)
    .map((part, i) => (i % 2 === 1 ? part : stripControl(part)))
    .join("");
}

const ABS_PATH = /(^|[\s"'(=:])\/(?:[\w.@+-]+\/)*[\w.@+-]+/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const IPV6 = /\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b/gi;

/** redactExcerpt removes absolute paths and/or IP addresses from a log excerpt, as `redact:` asks. */
export function redactExcerpt(line: string, what: readonly ("paths" | "ips")[]): string {
  let out = line;
  if (what.includes("ips")) out = out.replace(IPV4, "<ip>").replace(IPV6, "<ip>");
  if (what.includes("paths")) out = out.replace(ABS_PATH, "$1<path>");
  return out;
}
