import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Document } from "yaml";
import { BUILD_ID } from "../core/build-id.js";
import { hash64 } from "../core/hash.js";
import { ensureDir, readRegular, writeFileAtomic } from "../core/safe-fs.js";
import type { Loaded } from "./load.js";
import { valueAt, type PathKey } from "./locate.js";
import { sourceOf, valueOf, type Source } from "./origin.js";
import { collectSecrets, MIN_SECRET } from "./secrets.js";

/*
 * The cache of the validated config. A cron run every two minutes reads the same file each time; validating it
 * (the YAML parser, then zod) was a quarter of a healthy run. A run whose config text, environment, secret files,
 * host name and build are those of an earlier run takes that run's result instead, and loads neither library.
 *
 * It keeps no secret: a value that holds one (a password, a token in a webhook URL, anything from ${VAR} or a
 * `*_file`) is kept as where it came from (a span of the config text, the variable, the file) and made again on
 * each run. Whether the environment is the same is told by a salted HMAC-SHA256 of the variables the text names.
 * Before an entry is written, it is read back and compared with what the parser gave: a config the cache cannot
 * give back exactly (a secret in a folded scalar, say) is simply not cached.
 */

const VERSION = 1;
/** Entries kept: one per config file and working directory; the oldest go first. */
const MAX_ENTRIES = 16;

/** CacheInputs are what a config's validation depends on, besides the config text itself. */
export type CacheInputs = {
  /** The config path as given, or "<embedded default>". */
  source: string;
  cwd: string;
  text: string;
  env: Readonly<Record<string, string | undefined>>;
  hostname: string;
  /** Reads a `*_file` secret as the parser does (the path as written in the config). */
  readFile: (p: string) => string;
  /** The file a `*_file` path names. */
  secretPath: (p: string) => string;
};

type Entry = {
  v: number;
  build: string;
  source: string;
  cwd: string;
  hostname: string;
  text: string;
  salt: string;
  env: string;
  files: { p: string; id: string }[];
  holes: Source[];
  undef: PathKey[][];
  config: unknown;
  warnings: string[];
  inlineSecrets: boolean;
  given: string[];
};

/**
 * cacheDir is systemd's $CACHE_DIRECTORY (`CacheDirectory=watchdog` in our units: /var/cache/watchdog, writable
 * under ProtectSystem=strict), else $XDG_CACHE_HOME/watchdog, else ~/.cache/watchdog; undefined without any.
 */
export function cacheDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const systemd = env.CACHE_DIRECTORY?.split(":")[0];
  if (systemd && path.isAbsolute(systemd)) return systemd;
  const base = env.XDG_CACHE_HOME || (env.HOME ? path.join(env.HOME, ".cache") : undefined);
  return base && path.isAbsolute(base) ? path.join(base, "watchdog") : undefined;
}

function entryFile(dir: string, inputs: CacheInputs): string {
  return path.join(dir, `config-${hash64(`${inputs.source}\0${inputs.cwd}`)}.json`);
}

/** envNames are the variables the text names (comments too: a superset only makes the check stricter). */
function envNames(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g), (m) => m[1]!))].sort();
}

/**
 * envSum stands for the values of the variables the text names: an HMAC-SHA256 keyed by the entry's random salt, so
 * that the entry holds nothing a value could be read back from. node:crypto (2 MB) loads only for a config that
 * names a variable.
 */
function envSum(inputs: CacheInputs, salt: string): string {
  const names = envNames(inputs.text);
  if (names.length === 0) return "";
  const pairs = names.map((n) => [n, inputs.env[n] ?? null]);
  return crypto.createHmac("sha256", salt).update(JSON.stringify(pairs)).digest("hex");
}

function fileId(file: string): string | undefined {
  try {
    const st = fs.statSync(file, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return undefined;
  }
}

/** readCached returns the cached result for these inputs, or undefined (none, stale, unsafe or unreadable). */
export function readCached(inputs: CacheInputs): Loaded | undefined {
  const dir = cacheDir(inputs.env);
  if (!dir) return undefined;
  let entry: Entry;
  try {
    // Its hooks run as us: only an entry we wrote, in a folder of ours that nobody else can write to, is taken.
    const uid = process.geteuid?.();
    const folder = fs.lstatSync(dir);
    if (!folder.isDirectory() || folder.uid !== uid || (folder.mode & 0o022) !== 0) return undefined;
    const { text, stat } = readRegular(entryFile(dir, inputs), { maxBytes: 4 * 1024 * 1024 });
    if (stat.uid !== uid || (stat.mode & 0o077) !== 0) return undefined;
    entry = JSON.parse(text) as Entry;
  } catch {
    return undefined;
  }
  try {
    if (!fits(entry, inputs)) return undefined;
    const loaded = restore(entry, inputs);
    return loaded;
  } catch {
    return undefined;
  }
}

function fits(e: Entry, inputs: CacheInputs): boolean {
  return (
    e.v === VERSION &&
    e.build === BUILD_ID &&
    e.source === inputs.source &&
    e.cwd === inputs.cwd &&
    e.hostname === inputs.hostname &&
    e.text === hash64(inputs.text) &&
    e.env === envSum(inputs, e.salt) &&
    e.files.every((f) => fileId(inputs.secretPath(f.p)) === f.id)
  );
}

/** restore makes the Loaded an entry stands for: its holes filled from the text, the environment and the files. */
function restore(e: Entry, inputs: CacheInputs): Loaded | undefined {
  const config = e.config as Record<string, unknown>;
  for (const at of e.undef) if (!put(config, at, undefined)) return undefined;
  for (const hole of e.holes) {
    const value =
      "file" in hole ? inputs.readFile(hole.file).replace(/\r?\n$/, "") : valueOf(inputs.text, hole, inputs.env);
    if (value === undefined || !put(config, hole.at, value)) return undefined;
  }
  // resolveConfig's channels have no prototype: a channel named `constructor` is itself, never Object's method.
  if (config.channels && typeof config.channels === "object") {
    config.channels = Object.assign(Object.create(null), config.channels);
  }
  const typed = config as unknown as Loaded["config"];
  // Every string that holds a secret is a hole (toEntry), so the holes alone give the secrets: walking the whole
  // config would parse every check's URL again. writeCached's read-back compares the result with the parser's.
  const holes: Record<PathKey, unknown> = {};
  for (const hole of e.holes) put(holes, hole.at, valueAt(config, hole.at), true);
  const { secrets } = collectSecrets(holes, () => true);
  return { config: typed, warnings: e.warnings, secrets, inlineSecrets: e.inlineSecrets, given: e.given };
}

/**
 * put sets the placeholder (null) at AT; false when AT does not lead to one. With `make`, it builds the path instead
 * (a list where the next key is a number, else an object).
 */
function put(root: unknown, at: PathKey[], value: unknown, make = false): boolean {
  let node = root;
  for (const [i, key] of at.slice(0, -1).entries()) {
    if (make && !Object.hasOwn(node as object, key)) {
      (node as Record<PathKey, unknown>)[key] = typeof at[i + 1] === "number" ? [] : {};
    }
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return false;
    node = (node as Record<PathKey, unknown>)[key];
  }
  if (make) return (((node as Record<PathKey, unknown>)[at[at.length - 1]!] = value), true);
  const last = at[at.length - 1];
  if (last === undefined || node === null || typeof node !== "object" || !Object.hasOwn(node, last)) return false;
  if ((node as Record<PathKey, unknown>)[last] !== null) return false;
  (node as Record<PathKey, unknown>)[last] = value;
  return true;
}

/**
 * writeCached keeps LOADED (what parseConfigDocument gave for these inputs, DOC its document) for later runs, when
 * it can be given back exactly without a secret in the file. FILES are the `*_file` secrets the parser read (path as
 * written, content).
 * Never throws: a cache that cannot be written is only a slower next run.
 */
export function writeCached(
  inputs: CacheInputs,
  loaded: Loaded,
  doc: Document,
  files: ReadonlyMap<string, string>,
): void {
  const dir = cacheDir(inputs.env);
  if (!dir) return;
  try {
    const entry = toEntry(inputs, loaded, doc, files);
    if (!entry) return;
    // Read back from disk, after the files' ids were taken: a secret file changed since the parse fails this.
    const again = restore(JSON.parse(JSON.stringify(entry)) as Entry, inputs);
    if (!again || !same(again, loaded)) return;
    ensureDir(dir);
    writeFileAtomic(entryFile(dir, inputs), JSON.stringify(entry), 0o600);
    prune(dir);
  } catch {
    // Read-only home, a full disk, an unsafe directory: no cache.
  }
}

function toEntry(
  inputs: CacheInputs,
  loaded: Loaded,
  doc: Document,
  files: ReadonlyMap<string, string>,
): Entry | undefined {
  const hidden = [
    ...loaded.secrets,
    ...envNames(inputs.text).map((n) => inputs.env[n] ?? ""),
    ...[...files.values()].map((content) => content.replace(/\r?\n$/, "")),
  ].filter((s) => s.length >= MIN_SECRET);
  const hides = (s: string) => hidden.some((h) => s.includes(h));
  if (loaded.warnings.some(hides) || loaded.given.some(hides)) return undefined;
  const holes: Source[] = [];
  const undef: PathKey[][] = [];
  let ok = true;
  const copy = (node: unknown, at: PathKey[]): unknown => {
    if (node === undefined) return (undef.push(at), null);
    if (typeof node === "string") {
      if (!hides(node)) return node;
      const source = sourceOf(doc, inputs.text, inputs.env, at, node);
      if (!source) ok = false;
      else holes.push(source);
      return null;
    }
    if (node === null || typeof node !== "object") return node;
    if (Array.isArray(node)) return node.map((v, i) => copy(v, [...at, i]));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = copy(v, [...at, k]);
    return out;
  };
  const config = copy(loaded.config, []);
  if (!ok) return undefined;
  const ids = [...files.keys()].map((p) => ({ p, id: fileId(inputs.secretPath(p)) }));
  if (ids.some((f) => f.id === undefined)) return undefined;
  const salt = envNames(inputs.text).length ? crypto.randomBytes(16).toString("hex") : "";
  return {
    v: VERSION,
    build: BUILD_ID,
    source: inputs.source,
    cwd: inputs.cwd,
    hostname: inputs.hostname,
    text: hash64(inputs.text),
    salt,
    env: envSum(inputs, salt),
    files: ids as Entry["files"],
    holes,
    undef,
    config,
    warnings: loaded.warnings,
    inlineSecrets: loaded.inlineSecrets,
    given: loaded.given,
  };
}

/** same is deep equality that also compares prototypes and the order of keys. */
function same(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => same((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k]));
}

function prune(dir: string): void {
  const entries = fs
    .readdirSync(dir)
    .filter((f) => /^config-[0-9a-f]{16}\.json$/.test(f))
    .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }))
    .sort((x, y) => y.t - x.t);
  for (const { f } of entries.slice(MAX_ENTRIES)) fs.rmSync(path.join(dir, f), { force: true });
}
