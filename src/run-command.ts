import { spawn, type ChildProcess } from "node:child_process";
import { closeOutputFile, openOutputFile, readOutputFile, type OutputFile } from "./run-command-output.js";
import { monotonicMs } from "./core/monotonic.js";

/** CommandResult is how a child process ended and what it printed (bounded). */
export type CommandResult = {
  exitCode: number | null;
  signal: string | null;
  /** The command ran past its own timeout, or the caller aborted it (see `aborted`): its group was killed. */
  timedOut: boolean;
  /** The caller's signal (the run's deadline) stopped it, rather than its own timeout. */
  aborted: boolean;
  /** Set when the command could not be started (ENOENT, EACCES), or its output file could not be opened. */
  spawnError: NodeJS.ErrnoException | undefined;
  stdout: string;
  stderr: string;
  /** Bytes the command printed beyond what was kept. */
  truncatedBytes: number;
  durationMs: number;
};

/** CommandOptions bound a child process in time and output. */
export type CommandOptions = {
  shell?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Keep at most this many bytes of each stream (the first bytes of stdout, the last of stderr). */
  maxOutput?: number;
  /** Grace between SIGTERM and SIGKILL at the timeout. */
  killGraceMs?: number;
  /** How long output is still read after the command's own exit (from pipes a descendant may hold). */
  exitGraceMs?: number;
  /**
   * Send stdout and stderr (together, in order) to a file instead of pipes: a path (appended to, never through a
   * symlink) or "temp" (an unnamed temporary file). For commands that start services: a descendant that keeps the
   * output open writes to a file, which never blocks it or breaks it with EPIPE/SIGPIPE once we stop reading.
   * The result's stdout is what was appended during the run (its last maxOutput bytes); stderr is "".
   */
  outputFile?: string;
};

/** EXIT_GRACE_MS is how long the pipes are read after the command's exit; then they are closed, not awaited. */
const EXIT_GRACE_MS = 500;
/** STUCK_MS is how long a child that ignores SIGKILL (D state on a wedged GPU driver) is waited for. */
const STUCK_MS = 1000;

/**
 * runCommand runs argv in its own process group and resolves at the command's own exit: output still held open by a
 * descendant (`server &`, `setsid server &`, a double fork) is read for a short grace, then the pipes are closed
 * without waiting for them, and the descendant is left running. Only a command that itself runs past its timeout (or
 * is aborted) has its whole group killed, and even one that cannot be killed does not hold the caller. Never throws.
 */
export function runCommand(argv: readonly string[], opts: CommandOptions): Promise<CommandResult> {
  const started = monotonicMs();
  const max = opts.maxOutput ?? 64 * 1024;
  const grace = opts.killGraceMs ?? 2000;
  return new Promise((resolve) => {
    const [cmd, ...args] = opts.shell ? ["/bin/sh", "-c", argv.join(" ")] : argv;
    let file: OutputFile | undefined;
    let child: ChildProcess;
    try {
      if (opts.outputFile !== undefined) file = openOutputFile(opts.outputFile);
      const out = file ? file.fd : "pipe";
      const env = opts.env ?? process.env;
      child = spawn(cmd!, args, { detached: true, stdio: ["ignore", out, out], env, cwd: opts.cwd });
    } catch (err) {
      if (file) closeOutputFile(file);
      const base = ended(started, null, null, err as NodeJS.ErrnoException);
      return resolve({ ...base, timedOut: false, aborted: false, stdout: "", stderr: "", truncatedBytes: 0 });
    }
    let stdout = Buffer.alloc(0);
    let stderr = Buffer.alloc(0);
    let truncated = 0;
    let timedOut = false;
    let aborted = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    let exit: { code: number | null; sig: string | null } | undefined;
    let settled = false;
    child.stdout?.on("data", (c: Buffer) => {
      const room = max - stdout.length;
      if (room > 0) stdout = Buffer.concat([stdout, c.subarray(0, room)]);
      truncated += Math.max(0, c.length - Math.max(0, room));
    });
    child.stderr?.on("data", (c: Buffer) => {
      stderr = Buffer.concat([stderr, c]);
      if (stderr.length > max) {
        truncated += stderr.length - max;
        stderr = stderr.subarray(stderr.length - max);
      }
    });
    // A read error on a pipe we are about to drop is of no interest.
    child.stdout?.on("error", () => {});
    child.stderr?.on("error", () => {});
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));
    const stop = () => {
      if (timedOut || exit) return;
      timedOut = true;
      killGroup("SIGTERM");
      later(grace, () => killGroup("SIGKILL"));
      // Killed and still not gone (uninterruptible sleep): give up waiting, it cannot hold the run.
      later(grace + STUCK_MS, finish);
    };
    later(opts.timeoutMs, stop);
    const onAbort = () => {
      aborted = !timedOut;
      stop();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.once("error", (err: NodeJS.ErrnoException) => {
      spawnError = err;
      // Not started: no exit event follows.
      if (!child.pid) finish();
    });
    child.once("exit", (code, sig) => {
      exit = { code, sig };
      // A command killed at its timeout takes its group with it; one that ended by itself leaves its descendants.
      if (timedOut) killGroup("SIGKILL");
      if (file || !child.stdout) return finish();
      later(opts.exitGraceMs ?? EXIT_GRACE_MS, finish);
    });
    // Usually the pipes close right after the exit: no need to wait out the grace then.
    child.once("close", finish);

    function finish() {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener("abort", onAbort);
      // Stop reading: a descendant holding the write ends must not keep this process (or its event loop) waiting.
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
      if (file) {
        const r = readOutputFile(file, max);
        stdout = Buffer.from(r.tail);
        truncated = r.dropped;
        closeOutputFile(file);
      }
      const base = ended(started, exit?.code ?? null, exit?.sig ?? null, spawnError);
      const text = { stdout: stdout.toString("utf8"), stderr: stderr.toString("utf8"), truncatedBytes: truncated };
      resolve({ ...base, timedOut, aborted, ...text });
    }
  });
}

/** ended is the part of a result every way out shares. */
function ended(started: number, exitCode: number | null, signal: string | null, spawnError?: NodeJS.ErrnoException) {
  return { exitCode, signal, spawnError, durationMs: Math.round(monotonicMs() - started) };
}
