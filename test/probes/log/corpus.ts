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

/** Line is one log line of a line fixture (families.txt, lines.txt) with the cause it should name (`none`: none). */
export type Line = { source: string; expected: string; line: string };

/**
 * readLines parses a line fixture: "=== SOURCE | EXPECTED" and the log line right after it, verbatim; any other line
 * that starts with "#" is a note, and blank lines separate groups.
 */
export function readLines(name: string): Line[] {
  const text = fs.readFileSync(path.resolve(__dirname, "../../fixtures/causes", name), "utf8").split("\n");
  const out: Line[] = [];
  for (let i = 0; i < text.length; i++) {
    const m = HEADER.exec(text[i]!);
    if (m) {
      const line = text[++i] ?? "";
      if (line === "" || HEADER.test(line)) throw new Error(`${name}:${i + 1}: a header without its log line`);
      out.push({ source: m[1]!, expected: m[2]!, line });
    } else if (text[i] !== "" && !text[i]!.startsWith("#"))
      throw new Error(`${name}:${i + 1}: neither a header nor a note`);
  }
  return out;
}
