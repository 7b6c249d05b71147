import { stripControlKeepColour } from "../text.js";

/** Io is where a command writes; tests and --json swap it. */
export type Io = { out: (s: string) => void; err: (s: string) => void; isTTY: boolean };

/**
 * realIo writes to the process streams. Text from outside is cleaned where it comes in; this is the backstop for
 * what was not (an old state or history file, a vendor answer, a config value): no terminal escapes but our colours.
 * It lives apart from context.ts so that the CLI's entry can make it without loading the config code.
 */
export function realIo(): Io {
  // isTTY only decides colour: NO_COLOR (any value, https://no-color.org) turns it off.
  const color = !!process.stdout.isTTY && !process.env.NO_COLOR;
  return {
    out: (s) => process.stdout.write(stripControlKeepColour(s)),
    err: (s) => process.stderr.write(stripControlKeepColour(s)),
    isTTY: color,
  };
}
