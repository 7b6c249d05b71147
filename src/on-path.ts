import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

/**
 * findOnPath finds a program as spawn would under a PATH string, without running anything: a name with a slash is
 * taken as it is, else the first PATH directory holding it. Only an executable regular file counts (a directory
 * named `nvidia-smi` does not). Empty PATH entries are skipped rather than read as the current directory.
 */
export function findOnPath(program: string, pathVar: string | undefined): string | undefined {
  const candidates = program.includes("/")
    ? [program]
    : (pathVar ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, program));
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here, or not executable.
    }
  }
  return undefined;
}

/** onPath says whether a program is found by findOnPath. */
export function onPath(program: string, pathVar: string | undefined): boolean {
  return findOnPath(program, pathVar) !== undefined;
}
