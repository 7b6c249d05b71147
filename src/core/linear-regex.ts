/**
 * Linear-time regular expressions for text from outside (log lines against the cause catalog and the user's
 * patterns). JavaScript's RegExp backtracks: one hostile line can hold a run for seconds, or for ever. RE2 (through
 * re2js, pure JavaScript) takes time linear in the text. It supports lookbehind but no lookahead and no
 * backreferences: a pattern that needs them is refused when the config is validated.
 */
import { RE2JS } from "re2js";

/** LinearRegex is a pattern compiled for the linear-time engine. */
export type LinearRegex = {
  readonly source: string;
  /** test says whether the text contains a match. */
  test(text: string): boolean;
  /** find returns where the first match at or after `from` starts, or -1. */
  find(text: string, from: number): number;
};

/** compileLinear compiles a JavaScript regex source (flags i, m, s) for RE2; it throws an Error when RE2 cannot. */
export function compileLinear(source: string, flags = ""): LinearRegex {
  let f = RE2JS.LOOKBEHINDS;
  if (flags.includes("i")) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes("m")) f |= RE2JS.MULTILINE;
  if (flags.includes("s")) f |= RE2JS.DOTALL;
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, f);
  } catch (err) {
    throw new Error(linearError(err));
  }
  return {
    source,
    test: (text) => re.test(text),
    find(text, from) {
      const m = re.matcher(text);
      return m.find(from) ? m.start() : -1;
    },
  };
}

/**
 * linearSyntaxError says why a pattern is refused, or undefined: the linear-time engine cannot compile it, or it uses
 * syntax that RE2 and JavaScript read differently (the prefilter takes literals from the JavaScript reading).
 */
export function linearSyntaxError(source: string): string | undefined {
  try {
    compileLinear(source);
  } catch (err) {
    return (err as Error).message;
  }
  const other = otherMeaning(source);
  return other && `${other} means one thing to RE2 and another to JavaScript: write the characters or a [class]`;
}

/** otherMeaning finds RE2 syntax that JavaScript reads as plain letters: \p{L} \pL \Q…\E \z \A \C \x{…} [[:alpha:]]. */
function otherMeaning(source: string): string | undefined {
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== "\\") continue;
    const c = source[i + 1] ?? "";
    if ((c && "pPQEzAC".includes(c)) || (c === "x" && source[i + 2] === "{")) return `\\${c}`;
    i++;
  }
  return /\[:[a-z]+:\]/.exec(source)?.[0];
}

function linearError(err: unknown): string {
  const why = String((err as Error).message ?? err).replace(/^error parsing regexp: /, "");
  let hint = "";
  if (/`\(\?[=!]|`\\[1-9]/.test(why)) hint = "; lookahead and backreferences cannot be matched in linear time";
  else if (why.includes("`\\u")) hint = "; write the character itself";
  return `not supported by the linear-time matcher (RE2 syntax): ${why}${hint}`;
}

const compiled = new WeakMap<RegExp, LinearRegex>();

/** linearOf is the linear-time form of a RegExp of the catalog, compiled once per RegExp object. */
export function linearOf(re: RegExp): LinearRegex {
  let out = compiled.get(re);
  if (!out) {
    out = compileLinear(re.source, re.flags);
    compiled.set(re, out);
  }
  return out;
}
