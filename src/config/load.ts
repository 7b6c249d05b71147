import { LineCounter, parseDocument, visit, isPair, isScalar, isSeq, type Scalar } from "yaml";
import { ConfigError } from "../errors.js";
import { closest, formatPath, Locator, type PathKey } from "./locate.js";
import { describeIssue, keysAt } from "./describe-issue.js";
import { resolveConfig } from "./rules.js";
import { configSchema, type Config } from "./schema.js";
import { collectSecrets, SECRET_KEYS } from "./secrets.js";

/** ParseOptions are the inputs of parseConfig besides the text: no I/O happens inside except readFile. */
export type ParseOptions = {
  file: string;
  env: Readonly<Record<string, string | undefined>>;
  hostname: string;
  /** Reads a `*_file` secret; throws when it cannot. */
  readFile: (path: string) => string;
  /**
   * Read-only commands (status, history, silence list, simulate) send nothing: an unset ${VAR} or an unreadable
   * `*_file` under `channels:` is then filled with a stand-in instead of refusing the config.
   */
  channelSecretsOptional?: boolean;
};

/** Loaded is a usable configuration plus what validation had to say and the secrets to keep out of output. */
export type Loaded = {
  config: Config;
  warnings: string[];
  secrets: string[];
  inlineSecrets: boolean;
  /** The top-level keys the file itself set (the rest are defaults). */
  given: string[];
};

const ENV_REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const MAX_ALIASES = 100;
const MAX_YAML_ERRORS = 5;
/** A config is a few KB; the YAML parser needs about 2 s per MB, so a bigger file is refused rather than hang a run. */
const MAX_CONFIG_BYTES = 1024 * 1024;

type Problem = { at: string; line: number; text: string };

/**
 * interpolate expands ${VAR}, ${VAR:-default} and $$ in one YAML value; an unset or empty VAR without a default is
 * listed in `missing` (and expands to nothing).
 */
export function interpolate(
  raw: string,
  env: Readonly<Record<string, string | undefined>>,
): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = raw.replace(ENV_REF, (m, name: string | undefined, fallback: string | undefined) => {
    if (m === "$$") return "$";
    const v = env[name!];
    if (v !== undefined && v !== "") return v;
    if (fallback !== undefined) return fallback;
    missing.push(name!);
    return "";
  });
  return { value, missing };
}

/** parseConfig validates YAML text; it throws ConfigError listing every problem as FILE:LINE:COL: path: message. */
export function parseConfig(text: string, opts: ParseOptions): Loaded {
  if (text.length > MAX_CONFIG_BYTES) {
    throw new ConfigError([
      `${opts.file}:1:1: (top level): the file is ${(text.length / 1e6).toFixed(1)} MB; a config may be at most 1 MB`,
    ]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = [];
  const add = (at: string, line: number, msg: string) => problems.push({ at, line, text: `${at}: ${msg}` });
  // One bad line can set off a cascade of parser errors: the first few say where to look.
  for (const e of doc.errors.slice(0, MAX_YAML_ERRORS)) {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    add(`${opts.file}:${pos.line}:${pos.col}`, pos.line, `YAML: ${e.message.split("\n")[0]}`);
  }
  if (problems.length) {
    const more = doc.errors.length - MAX_YAML_ERRORS;
    const next = doc.errors[MAX_YAML_ERRORS];
    const at = next ? (next.linePos?.[0] ?? lines.linePos(next.pos[0])) : { line: 1, col: 1 };
    throw new ConfigError([
      ...problems.map((p) => p.text),
      ...(more > 0
        ? [
            `${opts.file}:${at.line}:${at.col}: (top level): ${more} more YAML error${more === 1 ? "" : "s"} ` +
              "from here on (fix the first one first)",
          ]
        : []),
    ]);
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new ConfigError([`${opts.file}:1:1: (top level): the config is empty; see config.example.yaml`]);
  }
  const loc = new Locator(doc, lines, opts.file);

  // ${VAR} and ${VAR:-default} in values, once, before validation (a value from the environment is never re-expanded).
  const interpolated = new WeakSet<Scalar>();
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === "key" || typeof node.value !== "string" || !node.value.includes("$")) return;
      const raw = node.value;
      const { value, missing } = interpolate(raw, opts.env);
      const path = missing.length && opts.channelSecretsOptional ? pathOf(ancestors, node) : [];
      if (path[0] === "channels") {
        node.value = standIn(path);
        return;
      }
      for (const name of missing) {
        const pos = lines.linePos(node.range?.[0] ?? 0);
        add(
          `${opts.file}:${pos.line}:${pos.col}`,
          pos.line,
          `${formatPath(pathOf(ancestors, node))}: environment variable ${name} is not set ` +
            `(write \${${name}:-default} for a default)`,
        );
      }
      if (value !== raw) interpolated.add(node);
      node.value =
        node.type === "PLAIN" && /^(-?\d+(\.\d+)?|true|false)$/.test(value) && raw.trim().startsWith("${")
          ? JSON.parse(value)
          : value;
    },
  });

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    throw new ConfigError([`${opts.file}:1:1: (top level): ${(err as Error).message}`]);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError([`${loc.at([])}: (top level): expected a mapping of settings (host, channels, checks, ...)`]);
  }
  const cycle = aliasCycle(data);
  if (cycle)
    throw new ConfigError([
      `${loc.at(cycle)}: ${formatPath(cycle)}: an alias refers to a mapping or list that contains it`,
    ]);
  readSecretFiles(data, [], opts, loc, add);
  if (problems.length) throw new ConfigError(sorted(problems));

  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((k): k is PathKey => typeof k !== "symbol");
      if (issue.code === "unrecognized_keys") {
        const known = keysAt(configSchema, data, path);
        for (const key of issue.keys) {
          const hint = closest(key, known);
          const keyPath = [...path, key];
          add(
            loc.at(path, key),
            loc.line(path, key),
            `${formatPath(keyPath)}: unknown key` +
              (hint ? ` (did you mean "${hint}"?)` : known.length ? `; expected one of: ${known.join(", ")}` : ""),
          );
        }
        continue;
      }
      add(loc.at(path), loc.line(path), `${formatPath(path)}: ${describeIssue(issue, data, path)}`);
    }
    throw new ConfigError(sorted(problems));
  }

  const given = Object.keys(data);
  const resolved = resolveConfig(parsed.data, {
    file: opts.file,
    hostname: opts.hostname,
    defaultLadder: !given.includes("escalation"),
  });
  for (const e of resolved.errors) add(loc.at(e.path), loc.line(e.path), `${formatPath(e.path)}: ${e.message}`);
  if (problems.length) throw new ConfigError(sorted(problems));
  const warnings = resolved.warnings.map((w) => `${loc.at(w.path)}: ${formatPath(w.path)}: ${w.message}`);
  const { secrets, inline } = collectSecrets(resolved.config, (path) => {
    const node = doc.getIn(path, true);
    return isScalar(node) && interpolated.has(node);
  });
  return { config: resolved.config, warnings, secrets, inlineSecrets: inline, given };
}

/** aliasCycle returns the path of a value that contains itself (`a: &a {<<: *a}`), which no walk could finish. */
function aliasCycle(root: unknown): PathKey[] | undefined {
  const open = new Set<object>();
  const walk = (node: unknown, path: PathKey[]): PathKey[] | undefined => {
    if (node === null || typeof node !== "object") return undefined;
    if (open.has(node)) return path;
    open.add(node);
    for (const [k, v] of Array.isArray(node) ? node.entries() : Object.entries(node)) {
      const found = walk(v, [...path, k]);
      if (found) return found;
    }
    open.delete(node);
    return undefined;
  };
  return walk(root, []);
}

/** pathOf turns the ancestors yaml's visit() gives (document, maps, pairs, sequences) into the config path of node. */
function pathOf(ancestors: readonly unknown[], node: unknown): PathKey[] {
  const out: PathKey[] = [];
  const chain = [...ancestors, node];
  for (let i = 0; i < chain.length - 1; i++) {
    const a = chain[i];
    const next = chain[i + 1];
    if (isPair(a) && isScalar(a.key)) out.push(String(a.key.value));
    else if (isSeq(a)) out.push(a.items.indexOf(next as never));
  }
  return out;
}

function sorted(problems: Problem[]): string[] {
  return problems.sort((a, b) => a.line - b.line).map((p) => p.text);
}

/**
 * readSecretFiles replaces `pass_file: /path` (for every secret key) by the file's content, trailing newline removed.
 */
function readSecretFiles(
  node: unknown,
  path: PathKey[],
  opts: ParseOptions,
  loc: Locator,
  add: (at: string, line: number, msg: string) => void,
): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) return node.forEach((v, i) => readSecretFiles(v, [...path, i], opts, loc, add));
  const obj = node as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    const base = k.endsWith("_file") ? k.slice(0, -5) : undefined;
    if (base && SECRET_KEYS.has(base) && typeof v === "string") {
      if (obj[base] !== undefined) {
        add(loc.at(path, k), loc.line(path, k), `${formatPath([...path, k])}: set either ${base} or ${k}, not both`);
        continue;
      }
      try {
        obj[base] =
          opts.channelSecretsOptional && path[0] === "channels"
            ? tryRead(opts, v, path)
            : opts.readFile(v).replace(/\r?\n$/, "");
        delete obj[k];
      } catch (err) {
        add(
          loc.at([...path, k]),
          loc.line([...path, k]),
          `${formatPath([...path, k])}: cannot read ${v}: ` +
            `${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
    } else readSecretFiles(v, [...path, k], opts, loc, add);
  }
}

/** standIn is what a read-only command puts in place of an unset channel secret: a value each field accepts. */
function standIn(path: readonly PathKey[]): string {
  return path.some((k) => typeof k === "string" && /url|webhook|endpoint/i.test(k)) ? "http://unset.invalid/" : "unset";
}

function tryRead(opts: ParseOptions, file: string, path: readonly PathKey[]): string {
  try {
    return opts.readFile(file).replace(/\r?\n$/, "");
  } catch {
    return standIn(path);
  }
}
