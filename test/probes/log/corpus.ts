import fs from "node:fs";
import path from "node:path";

/** Excerpt is one real log excerpt of test/fixtures/causes/corpus.txt with the cause it should name. */
export type Excerpt = { source: string; expected: string; holdout: boolean; lines: string[] };

const HEADER = /^=== (.+?) \| ([a-z][a-z0-9_]*)( \| holdout)?$/;

/** readCorpus parses corpus.txt: "=== SOURCE | EXPECTED[ | holdout]" headers, each followed by verbatim log lines. */
export function readCorpus(file = path.resolve(__dirname, "../../fixtures/causes/corpus.txt")): Excerpt[] {
  const out: Excerpt[] = [];
  let cur: Excerpt | undefined;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = HEADER.exec(line);
    if (m) {
      cur = { source: m[1]!, expected: m[2]!, holdout: !!m[3], lines: [] };
      out.push(cur);
    } else if (cur) cur.lines.push(line);
  }
  for (const e of out) while (e.lines.length && e.lines[e.lines.length - 1] === "") e.lines.pop();
  return out;
}
