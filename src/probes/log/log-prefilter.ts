/**
 * A byte-level prefilter for the log probe: it finds the lines that may match any pattern without decoding
 * or regex-scanning the whole chunk. Each regex gives a set of literals of which every match must contain one
 * (requiredLiterals); all those literals are searched in one pass with Wu-Manber (a multi-literal skip search,
 * as in agrep and GNU grep's kwset), and only the lines around a hit are decoded and tested with the full regexes.
 * Patterns with no usable literal fall back to a linear-time regex run over the chunk as latin1 text (bytes map 1:1
 * to chars).
 */

import { compileLinear, type LinearRegex } from "../../core/linear-regex.js";
import { createLiteralSearch } from "./literal-search.js";

/** Shortest literal worth prefiltering on: shorter ones hit too often to save anything. */
const MIN_LITERAL = 3;
const SPECIAL = new Set([..."\\^$.|?*+()[]{}"]);

type Piece = { set: string[] } | undefined;

/**
 * requiredLiterals returns literals such that every match of the regex contains at least one of them,
 * or undefined when it cannot tell (flags, no literal of MIN_LITERAL bytes). Conservative by design:
 * whatever it does not understand breaks a literal run rather than extending it.
 */
export function requiredLiterals(source: string, flags = ""): string[] | undefined {
  if (/[iy]/.test(flags)) return undefined;
  const branches = splitTop(source);
  if (!branches) return undefined;
  const out: string[] = [];
  for (const b of branches) {
    const best = bestOfBranch(b);
    if (!best) return undefined;
    out.push(...best.set);
  }
  return [...new Set(out)];
}

/**
 * liveSyntax lists the indexes (from `from`) of a regex source's characters that are syntax: not escaped and not
 * inside a `[...]` class, which splitTop and closingParen both need; `openClass` says a class was never closed.
 */
function liveSyntax(src: string, from = 0): { at: number[]; openClass: boolean } {
  const at: number[] = [];
  let inClass = false;
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else at.push(i);
  }
  return { at, openClass: inClass };
}

/** splitTop splits a regex source on its top-level `|`; undefined when brackets do not balance. */
function splitTop(src: string): string[] | undefined {
  const { at, openClass } = liveSyntax(src);
  if (openClass) return undefined;
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (const i of at) {
    const c = src[i];
    if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth < 0) return undefined;
    } else if (c === "|" && depth === 0) {
      parts.push(src.slice(last, i));
      last = i + 1;
    }
  }
  if (depth !== 0) return undefined;
  parts.push(src.slice(last));
  return parts;
}

/** quantifierAt reads a quantifier at i: its length and whether it allows zero repetitions. */
function quantifierAt(src: string, i: number): { len: number; optional: boolean } | undefined {
  const c = src[i];
  let len = 0;
  let optional = false;
  if (c === "*" || c === "?") {
    len = 1;
    optional = true;
  } else if (c === "+") len = 1;
  else if (c === "{") {
    const m = /^\{(\d+)(,\d*)?\}/.exec(src.slice(i));
    if (!m) return undefined;
    len = m[0].length;
    optional = Number(m[1]) === 0;
  } else return undefined;
  if (src[i + len] === "?") len++; // lazy modifier
  return { len, optional };
}

function bestOfBranch(src: string): Piece {
  const candidates: string[][] = [];
  let run = "";
  const flush = () => {
    if (run) candidates.push([run]);
    run = "";
  };
  let i = 0;
  // A branch anchored at the line's start or end (`^Killed$`) matches next to a newline: the newline is part of the
  // literal ("\nKilled\n"), which makes a short line findable as a literal long enough to keep the skip search fast.
  // (The first line of a region has no newline before it: createLinePrefilter always hands it over.)
  if (src[0] === "^") {
    run = "\n";
    i = 1;
  }
  while (i < src.length) {
    const c = src[i]!;
    if (c === "$" && i === src.length - 1 && run) {
      run += "\n";
      i++;
      continue;
    }
    if (c === "(") {
      const end = closingParen(src, i);
      if (end < 0) return undefined;
      flush();
      const q = quantifierAt(src, end + 1);
      let inner = src.slice(i + 1, end);
      const look = /^\?(?:[=!]|<[=!])/.test(inner);
      if (inner.startsWith("?:")) inner = inner.slice(2);
      else if (/^\?<[A-Za-z_$][\w$]*>/.test(inner)) inner = inner.slice(inner.indexOf(">") + 1);
      if (!look && !q?.optional && !inner.startsWith("?")) {
        const sub = requiredLiterals(inner);
        if (sub) candidates.push(sub);
      }
      i = end + 1 + (q?.len ?? 0);
      continue;
    }
    if (c === "[") {
      flush();
      let j = i + 1;
      while (j < src.length && src[j] !== "]") j += src[j] === "\\" ? 2 : 1;
      i = j + 1;
      const q = quantifierAt(src, i);
      if (q) i += q.len;
      continue;
    }
    let ch: string | undefined;
    let width = 1;
    if (c === "\\") {
      const n = src[i + 1];
      width = 2;
      if (n !== undefined && !/[A-Za-z0-9]/.test(n)) ch = n;
    } else if (!SPECIAL.has(c)) {
      ch = c;
    }
    const q = quantifierAt(src, i + width);
    if (ch === undefined) {
      flush();
      i += width + (q?.len ?? 0);
      continue;
    }
    if (q?.optional) {
      flush();
    } else if (q) {
      run += ch;
      flush();
    } else {
      run += ch;
    }
    i += width + (q?.len ?? 0);
  }
  flush();
  let best: string[] | undefined;
  let bestScore = 0;
  for (const set of candidates) {
    const score = Math.min(...set.map((s) => (Buffer.byteLength(s.replace(/\n/g, "")) > 0 ? Buffer.byteLength(s) : 0)));
    if (score >= MIN_LITERAL && score > bestScore) {
      best = set;
      bestScore = score;
    }
  }
  return best ? { set: best } : undefined;
}

function closingParen(src: string, open: number): number {
  let depth = 0;
  for (const i of liveSyntax(src, open).at) {
    if (src[i] === "(") depth++;
    else if (src[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

/** LinePrefilter yields the start offsets of the lines in a region that may match. */
export interface LinePrefilter {
  /**
   * candidates calls onLine(lineStart, lineEnd) for each line of buf[start, end) that may match; end sits just past a
   * newline.
   */
  candidates(buf: Buffer, start: number, end: number, onLine: (lineStart: number, lineEnd: number) => void): void;
  /** buffers gives two read buffers the search scans without a copy (WebAssembly memory), when it has them. */
  buffers?(size: number): [Buffer, Buffer] | undefined;
}

/** createLinePrefilter combines the literal search with a latin1 regex pass for the patterns that have no literal. */
export function createLinePrefilter(regexes: readonly RegExp[], engine: "auto" | "js" = "auto"): LinePrefilter {
  const literals: string[] = [];
  const slow: LinearRegex[] = [];
  let everyLine = false;
  for (const re of regexes) {
    const lits = requiredLiterals(re.source, re.flags);
    if (lits) literals.push(...lits);
    else if (/^[\x20-\x7e]*$/.test(re.source)) slow.push(compileLinear(re.source, `m${re.flags}`));
    else everyLine = true;
  }
  const search = createLiteralSearch(literals, engine);
  const anchored = literals.some((l) => l.startsWith("\n"));
  return {
    buffers: (size) => search?.buffers?.(size),
    candidates(buf, start, end, onLine) {
      // The latin1 pass sees bytes, not characters: where the chunk holds non-ASCII text, `.`, `\s` or `[^x]` would
      // not match what they match in the decoded line ("a.c" against "a日c"), so every line there is a candidate.
      const text = slow.length ? buf.toString("latin1", start, end) : "";
      if (everyLine || /[^\x00-\x7f]/.test(text)) {
        for (let ls = start; ls < end;) {
          const le = buf.indexOf(10, ls);
          const stop = le < 0 || le >= end ? end : le;
          onLine(ls, stop);
          ls = stop + 1;
        }
        return;
      }
      const starts: number[] = [];
      // An anchored literal ("\nKilled") cannot match the region's first line: that line is always a candidate.
      if (anchored) starts.push(start);
      if (search) {
        const hits: number[] = [];
        search.findAll(buf, start, end, hits);
        let lineEnd = -1;
        for (let hit of hits) {
          // A literal that starts with the newline (`^...`) belongs to the line after it.
          if (buf[hit] === 10) hit++;
          if (hit <= lineEnd || hit >= end) continue; // another literal on a line already taken
          starts.push(hit === start ? start : Math.max(start, buf.lastIndexOf(10, hit - 1) + 1));
          const le = buf.indexOf(10, hit);
          lineEnd = le < 0 || le >= end ? end : le;
        }
      }
      if (slow.length) {
        for (const re of slow) {
          for (let from = 0, m: number; (m = re.find(text, from)) >= 0;) {
            const at = start + m;
            starts.push(at === start ? start : Math.max(start, buf.lastIndexOf(10, at - 1) + 1));
            // Resume on the next line after the match start: a match across a newline must not hide the next line.
            const nl = text.indexOf("\n", m);
            if (nl < 0) break;
            from = nl + 1;
          }
        }
      }
      if (slow.length || anchored) starts.sort((a, b) => a - b);
      let prev = -1;
      for (const ls of starts) {
        if (ls === prev) continue;
        prev = ls;
        const le = buf.indexOf(10, ls);
        onLine(ls, le < 0 || le >= end ? end : le);
      }
    },
  };
}
