import { readdir, stat } from "node:fs/promises";
import path from "node:path";

/**
 * A glob never names compressed archives (`app.log*` and app.log.1.gz): their bytes are not lines, and a `.gz`
 * rotated since the last run is read, decompressed, through the file it came from.
 */
const ARCHIVE = /\.(gz|xz|bz2|zst|lz4|z)$/i;

/** expandPath returns the files a path or glob (`*`, `?`, `[...]` in any component) names, sorted. */
export async function expandPath(pattern: string): Promise<string[]> {
  if (!/[*?[]/.test(pattern)) return [pattern];
  const abs = path.resolve(pattern);
  const parts = abs.split("/").filter(Boolean);
  let current = ["/"];
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const next: string[] = [];
    if (!/[*?[]/.test(part)) {
      for (const c of current) next.push(path.join(c, part));
    } else {
      const re = globToRegExp(part);
      for (const c of current) {
        try {
          for (const name of await readdir(c)) {
            if (re.test(name) && !(last && ARCHIVE.test(name))) next.push(path.join(c, name));
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

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  // A glob never matches hidden files unless it says so, like the shell.
  return new RegExp(`^${glob.startsWith(".") ? "" : "(?!\\.)"}${re}$`);
}
