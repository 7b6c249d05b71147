import { CommanderError, type Command } from "commander";
import { ConfigError, ExitError, LockedError, StateError, UsageError } from "../errors.js";
import { realIo } from "./io.js";
import { buildProgram, type CommandRunner } from "./program.js";
import { readableStack } from "./stack.js";
import { closeInheritedFds } from "../core/inherited-fds.js";

/** Exit codes of DESIGN §5. */
const EXIT = { ok: 0, internal: 1, usage: 2, locked: 75, config: 78 } as const;

/**
 * main parses the command line, runs one command and returns the exit code. This file is the only place
 * that calls process.exit; everything below returns values or throws the classes of errors.ts.
 */
async function main(argv: string[]): Promise<number> {
  // A descriptor our parent leaked to us (cron's pipe, a lock) must not reach the hooks and the services they start.
  closeInheritedFds();
  const io = realIo();
  const debug = argv.includes("--debug");
  let runner: CommandRunner | undefined;
  const program = buildProgram((r) => (runner = r));
  // Every command, sub-commands included (they do not inherit settings made after they were declared): commander
  // throws instead of exiting, so a bad command line exits 2 (`check --bogus` exited 1, like an internal error).
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(program))
    c.exitOverride().configureOutput({ writeErr: (s) => io.err(s), writeOut: (s) => io.out(s) });
  try {
    // The single executable passes a leading `--` through (the installed lines start with it, see selfCommand).
    await program.parseAsync(argv[2] === "--" ? [...argv.slice(0, 2), ...argv.slice(3)] : argv);
    if (!runner) {
      io.err(program.helpInformation());
      return EXIT.usage;
    }
    return await runner(io);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT.usage;
    if (err instanceof ConfigError) {
      for (const issue of err.issues) io.err(`${issue}\n`);
      io.err(`config invalid: ${err.issues.length} problem${err.issues.length === 1 ? "" : "s"}\n`);
      return EXIT.config;
    }
    if (err instanceof LockedError) {
      io.err(`${err.message}\n`);
      return EXIT.locked;
    }
    if (err instanceof UsageError) {
      io.err(`watchdog: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof ExitError) {
      io.err(`${err.message}\n`);
      return err.code;
    }
    if (err instanceof StateError) {
      io.err(`watchdog: ${err.message}\n`);
      if (debug && err.cause instanceof Error) io.err(`${readableStack(String(err.cause.stack))}\n`);
      return EXIT.internal;
    }
    const e = err as Error;
    io.err(
      `watchdog: internal error: ${e?.message ?? String(err)}` +
        (debug ? `\n${readableStack(String(e?.stack))}` : " (run with --debug for details; please report it)") +
        "\n",
    );
    return EXIT.internal;
  }
}

// A reader that goes away (`watchdog schema | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  });
}

/**
 * flushed resolves once everything written to the stream so far has been handed to the kernel. Writes to a pipe
 * are asynchronous: past the pipe's 64 KiB buffer they wait for the reader, and exiting before then cut
 * `watchdog schema | (sleep 1; wc -c)` at 65536 bytes. An empty write's callback runs after every earlier write.
 */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write("", () => resolve());
  });
}

/**
 * exitAfterDrain leaves with `code` once stdout and stderr have drained. It exits explicitly rather than letting
 * the loop run dry, so that a lingering socket or timer (a keep-alive connection) cannot hold a cron run open.
 */
async function exitAfterDrain(code: number): Promise<never> {
  process.exitCode = code;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

main(process.argv).then(
  (code) => exitAfterDrain(code),
  (err) => {
    process.stderr.write(`watchdog: fatal: ${String(err)}\n`);
    return exitAfterDrain(1);
  },
);
