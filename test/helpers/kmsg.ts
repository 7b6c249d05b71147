import fs from "node:fs";
import path from "node:path";

/** DmesgLine is one line of a captured dmesg excerpt: seconds since boot and the kernel's text. */
export type DmesgLine = { secs: number; text: string };

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/kernel");

/** dmesgFixture reads test/fixtures/kernel/NAME (`[ secs] text` lines; `#` lines are notes). */
export function dmesgFixture(name: string): DmesgLine[] {
  return fs
    .readFileSync(path.join(FIXTURES, name), "utf8")
    .split("\n")
    .flatMap((l) => {
      const m = /^\[ *(\d+\.\d+)\] (.*)$/.exec(l);
      return m ? [{ secs: Number(m[1]), text: m[2]! }] : [];
    });
}

/** fixtureLine is the text of the first line of fixture NAME that contains NEEDLE. */
export function fixtureLine(name: string, needle: string): string {
  const hit = dmesgFixture(name).find((l) => l.text.includes(needle));
  if (!hit) throw new Error(`no line with ${needle} in ${name}`);
  return hit.text;
}

/** uptimeSecs is this machine's time since boot (the clock a kmsg record's TS counts in). */
export function uptimeSecs(): number {
  return Number(fs.readFileSync("/proc/uptime", "utf8").split(" ")[0]);
}

/**
 * kmsgRecords writes texts as /dev/kmsg records (`PRI,SEQ,TS_USEC,FLAGS;text`), numbered from `seq`, each logged
 * `agoSecs` before now by this machine's uptime (PRI 3: kernel, error).
 */
export function kmsgRecords(texts: readonly string[], seq: number, agoSecs = 1): string {
  const ts = Math.round((uptimeSecs() - agoSecs) * 1e6);
  return texts.map((t, i) => `3,${seq + i},${ts + i},-;${t}\n`).join("");
}
