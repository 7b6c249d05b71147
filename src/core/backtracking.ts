/**
 * backtrackingNote says whether a regex would backtrack catastrophically in a backtracking engine (JavaScript,
 * Python, PCRE, grep -P): the same pattern elsewhere, or a slip back to such an engine, would let one line hold a
 * run. watchdog itself matches log lines in linear time (core/linear-regex.ts). scslre is loaded only by `validate`.
 */
export async function backtrackingNote(source: string): Promise<string | undefined> {
  const { analyse } = await import("scslre");
  let reports;
  try {
    reports = analyse({ source, flags: "" }).reports;
  } catch {
    return undefined; // not a pattern scslre understands: the schema has already said whether it is valid
  }
  const first = reports[0];
  if (!first) return undefined;
  const kind = reports.some((r) => r.exponential) ? "exponential" : "polynomial";
  return (
    `${JSON.stringify(source)} backtracks catastrophically (${kind} time on a line of many ` +
    `${JSON.stringify(first.character.pick)}) in a backtracking regex engine (JavaScript, Python, grep -P); ` +
    "watchdog matches it in linear time, but tighten it if you use it elsewhere"
  );
}
