import { spawn } from "node:child_process";

/** CommandResult is how a child process ended and what it printed (bounded). */
export type CommandResult = {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Set when the command could not be started (ENOENT, EACCES). */
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
};

/**
 * runCommand runs argv in its own process group and kills the whole group at the timeout or on abort,
 * so a hung child (nvidia-smi on a wedged GPU, a restart script) cannot outlive the run. It never throws.
 */
export function runCommand(argv: readonly string[], opts: CommandOptions): Promise<CommandResult> {
  const started = performance.now();
  const max = opts.maxOutput ?? 64 * 1024;
  const grace = opts.killGraceMs ?? 2000;
  return new Promise((resolve) => {
    const [cmd, ...args] = opts.shell ? ["/bin/sh", "-c", argv.join(" ")] : argv;
    let child;
    try {
      child = spawn(cmd!, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env: opts.env ?? process.env, cwd: opts.cwd });
    } catch (err) {
      return resolve(result(null, null, false, err as NodeJS.ErrnoException));
    }
    let stdout = Buffer.alloc(0);
    let stderr = Buffer.alloc(0);
    let truncated = 0;
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    child.stdout.on("data", (c: Buffer) => {
      const room = max - stdout.length;
      if (room > 0) stdout = Buffer.concat([stdout, c.subarray(0, room)]);
      truncated += Math.max(0, c.length - Math.max(0, room));
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr = Buffer.concat([stderr, c]);
      if (stderr.length > max) {
        truncated += stderr.length - max;
        stderr = stderr.subarray(stderr.length - max);
      }
    });
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), grace);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, opts.timeoutMs);
    const onAbort = () => {
      timedOut = true;
      stop();
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.once("error", (err: NodeJS.ErrnoException) => {
      spawnError = err;
    });
    child.once("close", (code, sig) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      // The leader is gone; make sure nothing it left in its group lingers.
      if (timedOut) killGroup("SIGKILL");
      if (killTimer) clearTimeout(killTimer);
      resolve(result(code, sig, timedOut, spawnError));
    });
    function result(code: number | null, sig: string | null, to: boolean, err: NodeJS.ErrnoException | undefined): CommandResult {
      return {
        exitCode: code,
        signal: sig,
        timedOut: to,
        spawnError: err,
        stdout: stdout.toString("utf8"),
        stderr: stderr.toString("utf8"),
        truncatedBytes: truncated,
        durationMs: Math.round(performance.now() - started),
      };
    }
  });
}
