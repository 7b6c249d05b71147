import { compileLinear } from "../../core/linear-regex.js";
import { parseNumber, type Sample } from "./exposition.js";

// A rule's condition, `EXPR OP NUMBER`, read once when the config is validated.

/** Matcher is one `label="v"`, `label!="v"`, `label=~"re"` or `label!~"re"` (regexes match the whole value). */
export type Matcher = { label: string; op: "=" | "!=" | "=~" | "!~"; value: string; test(v: string): boolean };

/** Selector picks the series of one metric name whose labels match; their values are summed. */
export type Selector = { name: string; matchers: Matcher[]; text: string };

/** Fn is how an expression reads its selector: as it is now, or its change since the previous scrape. */
export type Fn = "value" | "increase" | "rate" | "mean";

export type Op = ">" | ">=" | "<" | "<=" | "==" | "!=";

/** Condition is one parsed line of a rule's `when:`. */
export type Condition = { fn: Fn; selector: Selector; op: Op; number: number; text: string; expr: string };

const OPS: Op[] = [">=", "<=", "==", "!=", ">", "<"];

/** parseCondition reads `EXPR OP NUMBER`; a string that is not one comes back as a message saying what is wrong. */
export function parseCondition(source: string): Condition | string {
  const text = source.trim();
  // The last operator splits: one inside {labels} (model!="x") is part of the expression.
  const m = /^(.*\S)\s*(>=|<=|==|!=|>|<)\s*([^\s<>=!]+)$/s.exec(text);
  if (!m || /[<>=!]$/.test(m[1]!)) {
    return `expected EXPR OP NUMBER, e.g. "vllm:num_requests_waiting > 0" (OP one of ${OPS.join(" ")})`;
  }
  const number = parseNumber(m[3]!);
  if (number === undefined || Number.isNaN(number)) return `${JSON.stringify(m[3])} is not a number`;
  const expr = m[1]!;
  const call = /^(increase|rate|mean)\s*\((.*)\)$/s.exec(expr);
  const selector = parseSelector(call ? call[2]!.trim() : expr);
  if (typeof selector === "string") return selector;
  const fn = (call?.[1] ?? "value") as Fn;
  return {
    fn,
    selector,
    op: m[2] as Op,
    number,
    text,
    expr: fn === "value" ? selector.text : `${fn}(${selector.text})`,
  };
}

/** parseSelector reads `name` or `name{label="v",other=~"re"}`. */
export function parseSelector(source: string): Selector | string {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?$/s.exec(source);
  if (!m) {
    if (/^[a-z]+\s*\(/.test(source)) return `unknown function in ${JSON.stringify(source)}: use increase, rate or mean`;
    return `expected a metric name (and {labels}) but found ${JSON.stringify(source)}`;
  }
  const matchers: Matcher[] = [];
  let rest = (m[2] ?? "").trim();
  while (rest !== "") {
    const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,\s*|$)/s.exec(rest);
    if (!lm) return `expected label="value" in {${m[2]}}`;
    const value = lm[3]!.replace(/\\(.)/gs, (_, c: string) => (c === "n" ? "\n" : c));
    const op = lm[2] as Matcher["op"];
    let test: (v: string) => boolean;
    if (op === "=~" || op === "!~") {
      let re;
      try {
        re = compileLinear(`^(?:${value})$`);
      } catch (err) {
        return `label ${lm[1]}: ${(err as Error).message}`;
      }
      test = op === "=~" ? (v) => re.test(v) : (v) => !re.test(v);
    } else {
      test = op === "=" ? (v) => v === value : (v) => v !== value;
    }
    matchers.push({ label: lm[1]!, op, value, test });
    rest = rest.slice(lm[0].length);
  }
  const labels = matchers.map((x) => `${x.label}${x.op}${JSON.stringify(x.value)}`).join(",");
  return { name: m[1]!, matchers, text: labels ? `${m[1]}{${labels}}` : m[1]! };
}

/** matches says whether a sample is one of a selector's series; `suffix` reads a histogram's _sum or _count. */
export function matches(sel: Selector, s: Sample, suffix = ""): boolean {
  // A label the series lacks counts as "", as in PromQL.
  return s.name === sel.name + suffix && sel.matchers.every((x) => x.test(s.labels[x.label] ?? ""));
}

/** compare applies OP; NaN never holds. */
export function compare(value: number, op: Op, number: number): boolean {
  switch (op) {
    case ">":
      return value > number;
    case ">=":
      return value >= number;
    case "<":
      return value < number;
    case "<=":
      return value <= number;
    case "==":
      return value === number;
    case "!=":
      return !Number.isNaN(value) && value !== number;
  }
}
