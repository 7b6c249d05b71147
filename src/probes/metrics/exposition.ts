/**
 * A strict reader of the Prometheus text exposition format (0.0.4) and the OpenMetrics text format: the samples with
 * their labels and values. Spec: https://prometheus.io/docs/instrumenting/exposition_formats/ and
 * https://github.com/prometheus/OpenMetrics/blob/main/specification/OpenMetrics.md.
 */

/** Sample is one line of an exposition: a series (name and labels) and its value. */
export type Sample = { name: string; labels: Record<string, string>; value: number };

/** Exposition is what a scrape holds: its samples in order, and the TYPE of each family that declares one. */
export type Exposition = { samples: Sample[]; types: Record<string, string> };

/** ExpositionError says which line of the text is not in the format, and why. */
export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    why: string,
  ) {
    super(`line ${line}: ${why}`);
  }
}

// Sticky: matched where the cursor is, with no copy of the rest of the line (a hostile line stays linear).
const NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped", "unknown", "gaugehistogram", "stateset"]);

/** parseExposition reads a whole exposition; the first line not in the format throws an ExpositionError. */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    const n = i + 1;
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      // OpenMetrics ends at `# EOF`; what follows is not part of the exposition.
      if (line === "# EOF") break;
      const meta = /^#[ \t]+(HELP|TYPE|UNIT)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (meta?.[1] === "TYPE") {
        const type = (meta[3] ?? "").trim().toLowerCase();
        if (!TYPES.has(type)) throw new ExpositionError(n, `unknown metric type ${shown(meta[3] ?? "")}`);
        types[meta[2]!] = type;
      }
      continue; // HELP, UNIT and plain comments carry no sample
    }
    samples.push(parseSample(line, n));
  }
  return { samples, types };
}

/** parseSample reads `name{label="value",...} value [timestamp] [# exemplar]`. */
function parseSample(line: string, n: number): Sample {
  const cur = { s: line, i: 0, n };
  skipSpace(cur);
  let name = take(cur, NAME);
  const labels: Record<string, string> = {};
  if (cur.s[cur.i] === "{") {
    cur.i++;
    readLabels(cur, labels, name === undefined ? (quoted) => (name = quoted) : undefined);
  }
  if (name === undefined) throw new ExpositionError(n, `expected a metric name at column ${cur.i + 1}`);
  if (!/^[ \t]/.test(cur.s.slice(cur.i, cur.i + 1))) throw expected(cur, "a space before the value");
  skipSpace(cur);
  const value = parseNumber(takeToken(cur));
  if (value === undefined) throw expected(cur, "a number as the value");
  skipSpace(cur);
  if (cur.i < cur.s.length && cur.s[cur.i] !== "#") {
    const ts = takeToken(cur);
    if (parseNumber(ts) === undefined) throw new ExpositionError(n, `invalid timestamp ${shown(ts)}`);
    skipSpace(cur);
  }
  // An OpenMetrics exemplar (` # {trace_id="..."} 1.0`) says nothing of the series' value.
  if (cur.i < cur.s.length && cur.s[cur.i] !== "#") throw expected(cur, "the end of the line");
  return { name, labels, value };
}

type Cursor = { s: string; i: number; n: number };

/** shown quotes a piece of the page in a message, cut short: the page comes from outside and may be one huge line. */
function shown(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function expected(cur: Cursor, what: string): ExpositionError {
  return new ExpositionError(cur.n, `expected ${what} at column ${cur.i + 1}`);
}

function skipSpace(cur: Cursor): void {
  while (cur.s[cur.i] === " " || cur.s[cur.i] === "\t") cur.i++;
}

function take(cur: Cursor, re: RegExp): string | undefined {
  re.lastIndex = cur.i;
  const m = re.exec(cur.s);
  if (!m) return undefined;
  cur.i += m[0].length;
  return m[0];
}

function takeToken(cur: Cursor): string {
  const start = cur.i;
  while (cur.i < cur.s.length && cur.s[cur.i] !== " " && cur.s[cur.i] !== "\t") cur.i++;
  return cur.s.slice(start, cur.i);
}

/**
 * readLabels reads `label="value", ...}` after the `{`. A quoted string with no `=` after it is the metric name
 * (the UTF-8 form of Prometheus 3: `{"my.metric", le="1"}`), given to `onName` where no name came before.
 */
function readLabels(cur: Cursor, labels: Record<string, string>, onName?: (name: string) => void): void {
  for (;;) {
    skipSpace(cur);
    if (cur.s[cur.i] === "}") {
      cur.i++;
      return;
    }
    let label = take(cur, LABEL);
    if (label === undefined && cur.s[cur.i] === '"') label = readQuoted(cur);
    if (label === undefined) throw expected(cur, "a label name");
    skipSpace(cur);
    if (cur.s[cur.i] === "=") {
      cur.i++;
      skipSpace(cur);
      if (cur.s[cur.i] !== '"') throw expected(cur, "a quoted label value");
      if (Object.hasOwn(labels, label)) throw new ExpositionError(cur.n, `label ${shown(label)} appears twice`);
      labels[label] = readQuoted(cur);
    } else if (onName) {
      onName(label);
      onName = undefined;
    } else {
      throw expected(cur, `= after label ${shown(label)}`);
    }
    skipSpace(cur);
    if (cur.s[cur.i] === ",") cur.i++;
    else if (cur.s[cur.i] !== "}") throw expected(cur, ", or }");
  }
}

/** readQuoted reads a "string" whose escapes are \\, \" and \n, the only ones the format has. */
function readQuoted(cur: Cursor): string {
  cur.i++;
  let out = "";
  for (;;) {
    const c = cur.s[cur.i];
    if (c === undefined) throw new ExpositionError(cur.n, "a quoted string is not closed");
    cur.i++;
    if (c === '"') return out;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = cur.s[cur.i++];
    if (e === "\\" || e === '"') out += e;
    else if (e === "n") out += "\n";
    else throw new ExpositionError(cur.n, `invalid escape \\${e ?? ""} at column ${cur.i}`);
  }
}

/** parseNumber reads a Go float as the format writes it (1, -2.5e3, NaN, +Inf, -Inf); undefined when it is none. */
export function parseNumber(text: string): number | undefined {
  const t = text.toLowerCase();
  if (t === "nan") return NaN;
  if (/^[+]?inf(inity)?$/.test(t)) return Infinity;
  if (/^-inf(inity)?$/.test(t)) return -Infinity;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}
