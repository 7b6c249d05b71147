import { stat } from "node:fs/promises";
import type { Severity } from "../../core/status.js";
import { formatDuration } from "../../duration.js";
import { BUILTIN, causePriority, describeCause, type Catalog } from "./causes.js";
import { type CausePicker, createExcuser, createPicker, type Screened, type Strength } from "./cause-pick.js";
import { createLinePrefilter, requiredLiterals, type LinePrefilter } from "./log-prefilter.js";
import { expandPath } from "./log-glob.js";
import { logPreflight } from "./log-preflight.js";
import { inodeKey, readNew, type FileMemory } from "./log-reader.js";
import { defineProbe, say, sayIn, type Part, type PartOf, type ProbeOutput, type Status, worst } from "../types.js";
import { readError, type ReadError } from "./read-error.js";
import { logConfigSchema, type LogConfig } from "./schema.js";
import { words } from "./words.js";

export { describeReadError } from "./read-error.js";
export { logConfigSchema, type LogConfig } from "./schema.js";
import { redactExcerpt, stripControl } from "../../text.js";
import { monotonicMs } from "../../core/monotonic.js";
import { linearOf } from "../../core/linear-regex.js";

/** Each excerpt line is cut to this many characters. */
const EXCERPT_CHARS = 300;
/** Distinct matching lines kept per run to pick the excerpt from. */
const KEEP_LINES = 50;
/** RELEASE_AFTER is how many bytes a run may read before the search lets go of its memory (see run). */
const RELEASE_AFTER = 1 << 20;

/** LogMemory is what the log probe keeps in the state file. */
export type LogMemory = {
  files: Record<string, FileMemory>;
  /** Set after the first run: from then on, a file new to a glob is read from its start. */
  started?: boolean;
  /** The last run that found matches, replayed while `hold` lasts. */
  last?: { at: number; status: Status; summary: string; said?: Part[]; excerpt: string[]; cause?: string };
};

type LogPart = PartOf<typeof words>;

/**
 * needles: literals of which every match contains one (none known: undefined); the engine runs only then.
 * strength: how the rule names its cause (cause-pick.ts); an `evidence` rule names nothing and matches no line.
 */
type Rule = {
  re: RegExp;
  needles: string[] | undefined;
  severity: Severity;
  cause: string | undefined;
  strength: Strength;
};
type Compiled = { rules: Rule[]; prefilter: LinePrefilter; release: () => void };
type Hit = { line: string; count: number; severity: Severity; cause: string | undefined; order: number };

const compiled = new WeakMap<LogConfig, Compiled & { catalog: Catalog }>();

/** compileLog turns the patterns (and the catalog, unless `causes: none`) into rules and one prefilter. */
export function compileLog(cfg: LogConfig, catalog: Catalog = BUILTIN): Compiled {
  const hit = compiled.get(cfg);
  if (hit?.catalog === catalog) return hit;
  const rule = (re: RegExp, severity: Severity, cause: string | undefined, strength: Strength): Rule => {
    // Without the spaces around it a needle is still in every match, and a line padded with spaces does not make
    // the string search crawl (a space-led needle meets a candidate at every byte).
    const needles = requiredLiterals(re.source, re.flags)?.map((l) => l.replace(/\n/g, "").trim());
    return { re, needles, severity, cause, strength };
  };
  // A user pattern's cause that is a catalog id names it outright; free text ranks below all the catalog's.
  const own = (cause: string | undefined): Strength => (cause && catalog.rank.has(cause) ? "names" : "free");
  const rules: Rule[] = cfg.patterns.map((p) =>
    typeof p === "string"
      ? rule(new RegExp(p), "critical", undefined, "free")
      : rule(new RegExp(p.regex), p.severity, p.cause, own(p.cause)),
  );
  // The catalog of the loaded config: the built-in causes plus the config's own `causes:`, less `disable_causes:`.
  if (cfg.causes === "builtin") for (const r of catalog.rules) rules.push(rule(r.re, "critical", r.id, r.strength));
  // Built on the first new bytes: a run with nothing new (the usual cron run) pays nothing for it.
  let pf: LinePrefilter | undefined;
  const get = () => (pf ??= createLinePrefilter(rules.map((r) => r.re)));
  const prefilter: LinePrefilter = {
    candidates: (...args) => get().candidates(...args),
    buffers: (size) => get().buffers?.(size),
  };
  const out = { rules, prefilter, release: () => (pf = undefined) };
  compiled.set(cfg, { ...out, catalog });
  return out;
}

/** dedupKey folds numbers so that the same error with another timestamp or pid counts as one line. */
function dedupKey(line: string): string {
  return line.replace(/\d+/g, "0").trim();
}

/** logProbe reads what was appended since the last run and reports matching lines with a probable cause. */
export const logProbe = defineProbe(logConfigSchema, {
  words,
  preflight: logPreflight,
  async run(cfg, { deps, signal, memory, catalog = BUILTIN }) {
    const now = deps.clock.now();
    const started = monotonicMs();
    const mem = readMemory(memory);
    const { rules, prefilter, release } = compileLog(cfg, catalog);
    const rank = (id: string) => causePriority(id, catalog);
    if (rules.length === 0) return { status: "unknown", ...say(words, [{ key: "nothing" }]), memory: mem };
    const hits = new Map<string, Hit>();
    const picker = createPicker(rank);
    let matched = 0;
    const excuser = createExcuser((r: Rule) => r.cause);
    const record = ({ matches, line }: Screened<Rule>) => {
      let sev: Severity | undefined;
      let here: CausePicker | undefined;
      for (const r of matches) {
        if (r.cause) {
          picker.add(r.cause, r.strength);
          (here ??= createPicker(rank)).add(r.cause, r.strength);
        }
        if (r.strength !== "evidence" && sev !== "critical") sev = r.severity;
      }
      if (!sev) return;
      const cause = here?.pick();
      matched++;
      const key = dedupKey(line);
      const h = hits.get(key);
      if (h) {
        h.count++;
        if (sev === "critical") h.severity = sev;
      } else if (hits.size < KEEP_LINES) {
        hits.set(key, { line, count: 1, severity: sev, cause, order: hits.size });
      }
    };
    const onLine = (line: string) => {
      // A line without any of the rule's literals cannot match: the engine (compiled on first use) is not asked.
      const found = rules.filter(
        (r) => (!r.needles || r.needles.some((n) => line.includes(n))) && linearOf(r.re).test(line),
      );
      if (found.length) excuser.screen(found, line).forEach(record);
    };
    const files = await expandPath(cfg.path);
    const next: Record<string, FileMemory> = {};
    const problems: ReadError[] = [];
    const notes: string[] = [];
    let bytes = 0;
    let stopped = false;
    const shouldStop = () => signal.aborted || monotonicMs() - started > cfg.timeout * 0.8;
    // Files read before go first, so that a rotated copy the glob also names is known when its turn comes.
    const ordered = [...files.filter((f) => mem.files[f]), ...files.filter((f) => !mem.files[f])];
    const known = new Map(Object.values(mem.files).map((m) => [inodeKey(m), m]));
    const consumed = new Map<string, FileMemory>();
    for (const file of ordered) {
      try {
        let prev = mem.files[file];
        let from = cfg.from;
        if (!prev && mem.started) {
          // A file that appeared after the first run: its lines are news. Unless it is a file already followed
          // under another name (renamed by rotation): then go on from where that one is.
          const st = await stat(file);
          prev = consumed.get(inodeKey(st)) ?? known.get(inodeKey(st));
          from = "start";
        }
        const out = await readNew(file, prev, { from, prefilter, onLine, shouldStop, consumed });
        next[file] = out.memory;
        bytes += out.bytes;
        stopped ||= out.stopped;
        notes.push(...out.notes.map((n) => `${file}: ${n}`));
      } catch (err) {
        const prev = mem.files[file];
        if (prev) next[file] = prev;
        problems.push(readError(file, err as NodeJS.ErrnoException, cfg));
      }
    }
    // The file is read into the search's WebAssembly memory, which never shrinks: after a large read the daemon
    // would keep those pages (up to 8 MiB a log check) for good. Let them go; the next new bytes build it again.
    if (bytes > RELEASE_AFTER) release();
    if (files.length === 0)
      problems.push(readError(cfg.path, Object.assign(new Error("no match"), { code: "ENOENT" }), cfg));
    if (stopped)
      notes.push(
        `stopped reading at the time limit after ${Math.round(bytes / 1048576)} MiB; the rest is read next run`,
      );
    // The last matching lines wait for a line that may excuse them (a fallback): none comes this run.
    excuser.flush().forEach(record);
    const metrics = { bytes_read: bytes, lines_matched: matched, files: files.length };
    const detail = [...problems.map((p) => sayIn(words, [p.part], "en")), ...notes].join("\n") || undefined;
    const where = files.length === 1 ? files[0]! : cfg.path;

    if (matched > 0) {
      const list = [...hits.values()];
      const status = worst(list.map((h) => h.severity));
      const cause = picker.pick();
      const excerpt = pickExcerpt(list, cause, cfg);
      const parts: LogPart[] = [{ key: "matched", values: { n: matched, where } }];
      if (cause) parts.push({ key: "cause", values: { cause } });
      const { summary, said } = say(words, parts);
      const described = cause ? { cause: describeCause(cause, "en", catalog) } : {};
      const last = { at: now, status, summary, said, excerpt, ...described };
      return {
        status,
        summary,
        said,
        excerpt,
        ...(last.cause ? { cause: last.cause } : {}),
        ...(detail ? { detail } : {}),
        metrics,
        memory: { files: next, started: true, last },
      };
    }
    const nextMem: LogMemory = mem.last
      ? { files: next, started: true, last: mem.last }
      : { files: next, started: true };
    if (problems.length > 0) {
      return {
        status: worst(problems.map((p) => p.status)),
        ...say(words, [problems[0]!.part]),
        ...(detail ? { detail } : {}),
        metrics,
        memory: nextMem,
      };
    }
    const held = holdResult(mem.last, now, cfg.hold);
    if (held) return { ...held, metrics, memory: nextMem };
    return {
      status: "ok",
      ...say(words, [{ key: "quiet", values: { where, read: formatBytes(bytes) } }]),
      ...(detail ? { detail } : {}),
      metrics,
      memory: { files: next, started: true },
    };
  },
});

/** holdResult keeps the check non-ok for `hold` after the last match, so the ladder can climb on one fatal line. */
function holdResult(last: LogMemory["last"], now: number, hold: number): ProbeOutput | undefined {
  if (!last || hold <= 0 || last.status === "ok") return undefined;
  const age = now - last.at;
  if (age < 0 || age >= hold) return undefined;
  // The phrases of the last match, when the state file kept them and they still say what its summary says.
  const kept = Array.isArray(last.said) && sayIn(words, last.said, "en") === last.summary;
  const before: LogPart[] = kept ? (last.said as LogPart[]) : [{ key: "text", values: { text: last.summary } }];
  return {
    status: last.status,
    ...say(words, [{ key: "held", values: { status: last.status, left: formatDuration(hold - age) } }, ...before]),
    excerpt: last.excerpt,
    ...(last.cause ? { cause: last.cause } : {}),
  };
}

/** pickExcerpt puts the line that names the cause first, then the others in order, each cut and redacted. */
function pickExcerpt(list: Hit[], cause: string | undefined, cfg: LogConfig): string[] {
  const sorted = [...list].sort(
    (a, b) => Number(b.cause === cause && !!cause) - Number(a.cause === cause && !!cause) || a.order - b.order,
  );
  return sorted.slice(0, cfg.excerpt_lines).map((h) => {
    let line = redactExcerpt(stripControl(h.line).trim(), cfg.redact);
    if (line.length > EXCERPT_CHARS) line = `${line.slice(0, EXCERPT_CHARS - 1)}…`;
    return h.count > 1 ? `${line} (×${h.count})` : line;
  });
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}

function readMemory(raw: unknown): LogMemory {
  if (!raw || typeof raw !== "object") return { files: {} };
  const m = raw as Partial<LogMemory>;
  const files: Record<string, FileMemory> = {};
  if (m.files && typeof m.files === "object") {
    for (const [k, v] of Object.entries(m.files)) {
      if (
        v &&
        typeof v === "object" &&
        typeof v.offset === "number" &&
        typeof v.ino === "number" &&
        typeof v.fp === "string"
      )
        files[k] = { ...v, skip: !!v.skip, fpLen: v.fpLen ?? 0 };
    }
  }
  const last = m.last && typeof m.last.at === "number" ? m.last : undefined;
  const started = m.started === true || Object.keys(files).length > 0;
  return last ? { files, started, last } : { files, started };
}
