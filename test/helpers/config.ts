import { parseConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";

/** PARSE_OPTS are parseConfig's options for a file named watchdog.yaml on host `box` that reads no `*_file`. */
export const PARSE_OPTS = { file: "watchdog.yaml", env: {}, hostname: "box", readFile: () => "" };

/** configErrorsOf is the issues parseConfig refuses TEXT with; a TEXT that validates fails the test. */
export function configErrorsOf(text: string, opts: Parameters<typeof parseConfig>[1] = PARSE_OPTS): string[] {
  try {
    parseConfig(text, opts);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error("expected a ConfigError");
}
