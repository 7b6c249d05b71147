import { formatDuration } from "../duration.js";
import { formatTime } from "../notify/render.js";

/** ago says how long ago `t` was in its largest unit, in whole seconds at least: "0s ago", "9m ago" ("-" for none). */
export function ago(now: number, t: number | undefined): string {
  if (t === undefined) return "-";
  return now - t < 1000 ? "0s ago" : `${formatDuration(now - t).replace(/ .*/, "")} ago`;
}

/** shortTime is a time in few columns that still says its zone: 11-18 13:12+00:00. */
export function shortTime(t: number): string {
  const full = formatTime(t);
  return `${full.slice(5, 16)}${full.slice(19)}`;
}

/**
 * table lays out rows in aligned columns; the last column is cut so each line fits `width`, or, with `wrap`,
 * folded at spaces onto continuation lines under its own column (when at least 20 columns are left for it).
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  width = 100,
  opts: { wrap?: boolean } = {},
): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) =>
    Math.max(...all.map((r) => (i < header.length - 1 ? displayWidth(r[i] ?? "") : 0))),
  );
  const indent = widths.slice(0, -1).reduce((a, w) => a + w + 2, 0);
  return all
    .map((r) => {
      const cells = r.map((c, i) =>
        i < header.length - 1 ? c + " ".repeat(Math.max(0, widths[i]! - displayWidth(c))) : c,
      );
      const line = cells.join("  ");
      if (displayWidth(line) <= width) return line;
      const last = r[header.length - 1] ?? "";
      if (opts.wrap && width - indent >= 20 && !/\u001b\[/.test(last)) {
        const [first = "", ...more] = fold(last, width - indent);
        return [cells.slice(0, -1).concat(first).join("  "), ...more.map((l) => " ".repeat(indent) + l)].join("\n");
      }
      return `${cut(line, width - 1)}…${/\u001b\[/.test(line) ? "\u001b[0m" : ""}`;
    })
    .join("\n");
}

/** fold breaks text into lines of at most `width` display columns, at spaces where it can, mid-word where it must. */
export function fold(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (displayWidth(rest) > width) {
    const head = cut(rest, width);
    const space = head.lastIndexOf(" ");
    const take = rest.charAt(head.length) === " " ? head : space > width / 3 ? head.slice(0, space) : head;
    out.push(take.trimEnd());
    rest = rest.slice(take.length).trimStart();
  }
  if (rest || !out.length) out.push(rest);
  return out;
}

// string-width is loaded only for text that is not plain ASCII: at load it starts an Intl.Segmenter, and ICU's
// segmentation data then costs a healthy cron run (an ASCII table) memory it never uses.
let stringWidth: ((s: string) => number) | undefined;

/**
 * loadWidths loads string-width when any of `texts` is not plain ASCII (no argument: always); a command awaits it
 * before it lays out text, because displayWidth cannot wait. Text it was not shown is still measured, roughly.
 */
export async function loadWidths(...texts: readonly string[]): Promise<void> {
  if (stringWidth || (texts.length && texts.every((t) => PLAIN.test(t.replace(COLOUR, ""))))) return;
  stringWidth = (await import("string-width")).default;
}

/**
 * displayWidth is the number of terminal columns text takes: string-width's East Asian Width tables (CJK and
 * fullwidth forms two columns, combining marks none, an emoji two), colour codes none.
 */
export function displayWidth(s: string): number {
  const bare = s.includes("\u001b") ? s.replace(COLOUR, "") : s;
  if (PLAIN.test(bare)) return bare.length;
  // Not loaded: one column a character. A table may then be out of line, never broken (output, not an error).
  if (!stringWidth) return [...bare].length;
  return stringWidth(s);
}

const COLOUR = /\u001b\[[0-9;]*m/g;
const PLAIN = /^[\x20-\x7e]*$/;

let graphemes: Intl.Segmenter | undefined;

/** characters splits text into what a terminal shows as one character (an emoji with its skin tone, e + accent). */
function characters(text: string): Iterable<string> {
  if (PLAIN.test(text)) return text;
  graphemes ??= new Intl.Segmenter();
  return Array.from(graphemes.segment(text), (g) => g.segment);
}

/** cut keeps the longest start of `s` that fits `width` columns, whole characters (grapheme clusters) only. */
function cut(s: string, width: number): string {
  let out = "";
  let w = 0;
  // Colour codes pass through whole and take no room.
  for (const part of s.split(/(\u001b\[[0-9;]*m)/)) {
    if (part.startsWith("\u001b[")) {
      out += part;
      continue;
    }
    for (const segment of characters(part)) {
      const cw = displayWidth(segment);
      if (w + cw > width) return out;
      out += segment;
      w += cw;
    }
  }
  return out;
}

/** paint colours text only on a TTY. */
export function paint(text: string, color: "red" | "yellow" | "green" | "grey" | "bold", tty: boolean): string {
  if (!tty) return text;
  const code = { red: 31, yellow: 33, green: 32, grey: 90, bold: 1 }[color];
  return `\u001b[${code}m${text}\u001b[0m`;
}
