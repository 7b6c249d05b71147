import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Every test run gets its own temp folder: TMPDIR points into it, so os.tmpdir() in the tests, the CLI they start
 * and its hooks all write there. At the end, whatever is left in it is a test that did not clean up after itself
 * (on failure too: temp dirs go in afterAll/finally): the run fails and names them, and the folder is removed, so a
 * run never leaves anything in /tmp. Other runs on the same machine (their own folders) do not disturb the count.
 */
export default function setup(): () => void {
  const base = process.env.TMPDIR || os.tmpdir();
  // A short name: paths in messages folded at 80 columns, and unix socket paths (108 bytes), stay as they were.
  const dir = fs.mkdtempSync(path.join(base, "wdt-"));
  // Like /tmp itself: tests that run the CLI as another user (nobody) must reach their folders in it.
  fs.chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => {
    let left: string[] = [];
    try {
      left = fs.readdirSync(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      process.env.TMPDIR = base;
    }
    if (left.length) {
      const what = `${left.length} entr${left.length === 1 ? "y" : "ies"}`;
      throw new Error(
        `tests left ${what} in the temp dir (remove them in afterAll/finally): ${left.slice(0, 20).join(", ")}`,
      );
    }
  };
}
