import { isMap, isPair, isScalar, type Document, type LineCounter, type Node } from "yaml";

/** PathKey is one step of a path into the config: a map key or a list index. */
export type PathKey = string | number;

/** formatPath renders a path as users write it: checks[2].expect.status. */
export function formatPath(path: readonly PathKey[]): string {
  let out = "";
  for (const k of path) out += typeof k === "number" ? `[${k}]` : out ? `.${k}` : k;
  return out || "(top level)";
}

/** valueAt is the value at PATH in DATA (parsed config of any shape), or undefined where the path leads nowhere. */
export function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let cur = data;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/** Locator finds the line and column of a config path in the YAML source. */
export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  /** at returns "FILE:LINE:COL" for the deepest node of path that exists (its key when `key` is set). */
  at(path: readonly PathKey[], key?: string): string {
    const offset = key !== undefined ? this.keyOffset(path, key) : this.nodeOffset(path);
    const pos = this.lines.linePos(offset ?? 0);
    return `${this.file}:${pos.line}:${pos.col}`;
  }

  /** line returns the 1-based line of a path, for sorting. */
  line(path: readonly PathKey[], key?: string): number {
    const offset = key !== undefined ? this.keyOffset(path, key) : this.nodeOffset(path);
    return this.lines.linePos(offset ?? 0).line;
  }

  private nodeOffset(path: readonly PathKey[]): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node && typeof node === "object" && "range" in node && node.range) {
        // A missing key points at its parent: a map under a key shows that key; an item of a list shows its own start.
        if (n < path.length && isMap(node) && typeof path[n - 1] === "string") {
          const parentKey = this.keyOffset(path.slice(0, n - 1), String(path[n - 1]));
          if (parentKey !== undefined && n > 0) return parentKey;
        }
        return node.range[0];
      }
    }
    return undefined;
  }

  private keyOffset(path: readonly PathKey[], key: string): number | undefined {
    const parent = path.length ? this.doc.getIn(path, true) : this.doc.contents;
    if (!isMap(parent)) return this.nodeOffset(path);
    for (const item of parent.items) {
      if (isPair(item) && isScalar(item.key) && String(item.key.value) === key && item.key.range)
        return item.key.range[0];
    }
    return this.nodeOffset(path);
  }
}

/** closest returns the candidate nearest to word by edit distance, if it is near enough to be a typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best !== undefined && bestDist <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
