import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { globMatcher, hasGlob } from "../../glob.js";

/**
 * A glob never names compressed archives (`app.log*` and app.log.1.gz): their bytes are not lines, and a `.gz`
 * rotated since the last run is read, decompressed, through the file it came from.
 */
const ARCHIVE = /\.(gz|xz|bz2|zst|lz4|z)$/i;

/**
 * expandPath returns the files a path or glob (`*`, `?`, `[...]` in any component, the syntax of src/glob.ts) names,
 * sorted. A component is matched against each name in its directory: a glob never crosses a `/`, and a hidden file
 * is named only by a component that starts with `.`, like the shell.
 */
export async function expandPath(pattern: string): Promise<string[]> {
  if (!hasGlob(pattern)) return [pattern];
  const abs = path.resolve(pattern);
  const parts = abs.split("/").filter(Boolean);
  let current = ["/"];
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const next: string[] = [];
    if (!hasGlob(part)) {
      for (const c of current) next.push(path.join(c, part));
    } else {
      const matches = globMatcher(part);
      for (const c of current) {
        try {
          for (const name of await readdir(c)) {
            if (matches(name) && !(last && ARCHIVE.test(name))) next.push(path.join(c, name));
          }
        } catch {
          // Not a directory or unreadable: nothing under it.
        }
      }
    }
    current = next;
  }
  const files: string[] = [];
  for (const p of current) {
    try {
      // Directories are not log files. A FIFO, socket or device is kept, so that the check says why it is not read
      // (stat does not open it, so it cannot block here).
      if (!(await stat(p)).isDirectory()) files.push(p);
    } catch {
      // Vanished since the listing.
    }
  }
  return files.sort();
}
