import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/*
 * safe-fs holds the only ways watchdog opens a file it writes (state, lock, history, log, textfile, queued commands)
 * and the files it trusts (config, secrets). Cron runs watchdog as root on most GPU boxes, so:
 * - a file is created with O_CREAT|O_EXCL|O_NOFOLLOW (a name planted in advance, a symlink above all, makes the open
 *   fail instead of writing through it), appended to with O_NOFOLLOW, and its mode is set with fchmod on the fd;
 * - every open is O_NONBLOCK and checked with fstat before a byte is read or written: a FIFO, socket or device at a
 *   path is refused at once instead of blocking the run (or a libuv worker) forever;
 * - a directory another user can write to (unless sticky and ours or root's) is refused, and as root, so is a
 *   directory (or a parent of it) that another user owns: that user could swap names under us.
 */

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
const CREATE = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK;

/** UnsafeFileError is a path watchdog refuses to use; `code` says why for callers that branch on it. */
export class UnsafeFileError extends Error {
  readonly code: "ELOOP" | "ENOTREG" | "EFBIG" | "EUNSAFE" | "EMLINK";
  /** What the path is, without its name: "a FIFO (named pipe), not a regular file". */
  readonly what: string;
  constructor(code: UnsafeFileError["code"], message: string, what = message) {
    super(message);
    this.name = "UnsafeFileError";
    this.code = code;
    this.what = what;
  }
}

function uid(): number | undefined {
  return process.getuid?.();
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, "0")}`;
}

/** kindOf names what a non-regular file is, for messages. */
export function kindOf(st: fs.Stats): string {
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isDirectory()) return "a directory";
  if (st.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

/**
 * dirProblem says why watchdog must not create files in DIR, or undefined when it may. The directory itself may not
 * be writable by group/others unless sticky and owned by us or root (/tmp); as root, it and every parent (symlinks
 * resolved) must also be owned by root, and no parent may be writable by others unless sticky.
 */
export function dirProblem(dir: string): string | undefined {
  const me = uid();
  if (me === undefined) return undefined;
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return undefined; // Missing: mkdir (or the open) reports it in its own words.
  }
  const chain: string[] = [real];
  if (me === 0) for (let d = path.dirname(real); chain[chain.length - 1] !== d; d = path.dirname(d)) chain.push(d);
  for (const d of chain) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(d);
    } catch {
      continue;
    }
    const sticky = (st.mode & 0o1000) !== 0;
    const shown = d === real ? dir : `${d} (a parent of ${dir})`;
    if (me === 0 && st.uid !== 0) {
      return (
        `refusing to write in ${shown}: it is owned by uid ${st.uid}, not root, so that user could swap ` +
        `the files root writes there; fix: chown root ${d} (or choose a directory owned by root)`
      );
    }
    if ((st.mode & 0o022) !== 0 && !(sticky && (st.uid === me || st.uid === 0))) {
      return (
        `refusing to write in ${shown}: it is writable by group/others (mode ${octal(st.mode)}), so another ` +
        `user could plant a symlink there; fix: chmod go-w ${d} (or chmod +t it, or choose another directory)`
      );
    }
  }
  return undefined;
}

/** ensureDir creates DIR (0700, parents too) when missing, then refuses it when dirProblem finds one. */
export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const problem = dirProblem(dir);
  if (problem) throw new UnsafeFileError("EUNSAFE", problem);
}

/** refuseOpenError turns the errno of a no-follow, non-blocking open into words (a symlink, a FIFO without reader). */
function refuseOpenError(file: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ELOOP") {
    const msg = `${file} is a symbolic link: watchdog never writes or reads through one; remove it`;
    return new UnsafeFileError("ELOOP", msg, "a symbolic link");
  }
  if (code === "ENXIO") {
    const what = "a FIFO or socket, not a regular file";
    return new UnsafeFileError("ENOTREG", `${file} is ${what}; remove it`, what);
  }
  return err;
}

function checkRegular(fd: number, file: string): fs.Stats {
  const st = fs.fstatSync(fd);
  if (!st.isFile()) {
    fs.closeSync(fd);
    const what = `${kindOf(st)}, not a regular file`;
    throw new UnsafeFileError("ENOTREG", `${file} is ${what}; remove it or choose another path`, what);
  }
  return st;
}

/**
 * createExclusive creates FILE, which must not exist, with MODE (fchmod: the umask does not apply) and returns the fd.
 * Throws EEXIST for any name already there, a symlink included.
 */
export function createExclusive(file: string, mode: number): number {
  const fd = fs.openSync(file, CREATE, mode);
  try {
    fs.fchmodSync(fd, mode);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return fd;
}

/**
 * createFresh creates a new file named `${base}` in DIR or, when that name is taken (a leftover, or a name planted
 * in advance), `${base}-<random>`: a predictable name is never opened twice. Returns the fd and the name used.
 */
export function createFresh(dir: string, base: string, mode: number): { fd: number; file: string } {
  for (let attempt = 0; ; attempt++) {
    const file = path.join(dir, attempt === 0 ? base : `${base}-${crypto.randomBytes(6).toString("hex")}`);
    try {
      return { fd: createExclusive(file, mode), file };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 8) throw err;
    }
  }
}

/** writeAll writes the whole buffer (writeSync may write less than asked). */
function writeAll(fd: number, data: string | Buffer): void {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  for (let off = 0; off < buf.length;) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/**
 * openAppend opens FILE for appending, creating it with MODE when missing; never through a symlink, never blocking,
 * and only a regular file with one link (a hard link planted to a victim file is refused).
 */
export function openAppend(file: string, mode: number): number {
  ensureDir(path.dirname(file));
  let fd: number;
  try {
    fd = createExclusive(file, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw refuseOpenError(file, err);
    try {
      fd = fs.openSync(file, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK);
    } catch (err2) {
      throw refuseOpenError(file, err2);
    }
  }
  const st = checkRegular(fd, file);
  if (st.nlink > 1) {
    fs.closeSync(fd);
    const msg = `${file} has ${st.nlink} hard links: another name points at the same file; remove ${file}`;
    throw new UnsafeFileError("EMLINK", msg);
  }
  return fd;
}

/** appendFileSafe appends TEXT to FILE through openAppend. */
export function appendFileSafe(file: string, text: string, mode: number): void {
  const fd = openAppend(file, mode);
  try {
    writeAll(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * ReadOptions: `follow` allows a symlink (config and secrets may be links, files watchdog owns may not); `tail`
 * reads only the last bytes of a file that may be large (the text then starts wherever that cut falls).
 */
export type ReadOptions = { follow?: boolean; maxBytes?: number; tail?: number };

/**
 * readRegular reads a regular file without ever blocking on a FIFO or device: the open is non-blocking and the type
 * is checked before reading; over `maxBytes` is refused. Returns the text and the fstat of what was read.
 */
export function readRegular(file: string, opts: ReadOptions = {}): { text: string; stat: fs.Stats } {
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NONBLOCK | (opts.follow ? 0 : O_NOFOLLOW));
  } catch (err) {
    throw refuseOpenError(file, err);
  }
  const stat = checkRegular(fd, file);
  try {
    const max = opts.maxBytes ?? Infinity;
    const what = `larger than ${max} bytes`;
    const tooBig = () => new UnsafeFileError("EFBIG", `${file} is ${what}`, what);
    if (stat.size > max) throw tooBig();
    if (opts.tail !== undefined) {
      const buf = Buffer.alloc(Math.min(stat.size, opts.tail));
      const n = fs.readSync(fd, buf, 0, buf.length, stat.size - buf.length);
      return { text: buf.subarray(0, n).toString("utf8"), stat };
    }
    // Read to EOF, bounded: the file may grow while it is read.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.max(64 * 1024, Math.min(stat.size + 1 - total, 16 * 1024 * 1024)));
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > max) throw tooBig();
    }
    return { text: Buffer.concat(chunks, total).toString("utf8"), stat };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * trustProblem says why FILE (a config or secret file) must not be trusted (as OpenSSH's StrictModes does): it is
 * owned by a user other than root or us, or writable by group/others. Undefined when it is fine.
 */
export function trustProblem(file: string, st: fs.Stats): string | undefined {
  const me = uid();
  if (me === undefined) return undefined;
  if (st.uid !== 0 && st.uid !== me) {
    return `it is owned by uid ${st.uid}, not root or you (uid ${me}); fix: chown ${me === 0 ? "root" : me} ${file}`;
  }
  if ((st.mode & 0o022) !== 0) {
    return `it is writable by group/others (mode ${octal(st.mode)}); fix: chmod go-w ${file}`;
  }
  return undefined;
}

/**
 * writeFileAtomic writes CONTENT to FILE with MODE: a fresh temp file beside it (O_EXCL|O_NOFOLLOW), fsync, rename
 * over FILE, fsync the directory. FILE itself, when it exists, must be a regular file (a FIFO or a symlink planted
 * at the name is refused, not replaced). Throws the fs error; callers word it.
 */
export function writeFileAtomic(file: string, content: string, mode: number, opts: { checkDir?: boolean } = {}): void {
  const dir = path.dirname(file);
  // checkDir false: a file the user asked for by name (init, install) in a directory of their choosing, which must
  // exist already.
  if (opts.checkDir !== false) ensureDir(dir);
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile()) {
      const what = `${kindOf(st)}, not a regular file`;
      const msg = `${file} is ${what}; remove it or choose another path`;
      throw new UnsafeFileError(st.isSymbolicLink() ? "ELOOP" : "ENOTREG", msg, what);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const { fd, file: tmp } = createFresh(dir, `.${path.basename(file)}.tmp-${process.pid}`, mode);
  try {
    try {
      writeAll(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dfd = fs.openSync(dir, O_RDONLY);
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Directory fsync is best effort (not supported everywhere).
  }
}
