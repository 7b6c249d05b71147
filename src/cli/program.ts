import { Command, Option } from "commander";
import { channelTypes, channelWord, starters } from "../notify/registry.js";
import type { Io } from "./io.js";
import { RECIPE_NAMES } from "./recipes.js";

// Each command's module is imported when that command runs: the bundle then evaluates (builds schemas, loads
// Node built-ins for) only what the command uses, and `--version` or `--help` evaluate none of it.
const commands = {
  check: () => import("./commands/check.js"),
  validate: () => import("./commands/validate.js"),
  testNotify: () => import("./commands/test-notify.js"),
  status: () => import("./commands/status.js"),
  history: () => import("./commands/history.js"),
  silence: () => import("./commands/silence.js"),
  ack: () => import("./commands/ack.js"),
  simulate: () => import("./commands/simulate.js"),
  init: () => import("./commands/init.js"),
  schema: () => import("./commands/schema.js"),
  daemon: () => import("./commands/daemon.js"),
  install: () => import("./commands/install.js"),
};

declare const WATCHDOG_VERSION: string;

/** version is set by the bundler; "dev" when run from source. */
export const version = typeof WATCHDOG_VERSION === "string" ? WATCHDOG_VERSION : "dev";

/** RunResult is how a command ended: the exit code the CLI must use. */
export type CommandRunner = (io: Io) => Promise<number>;

/** buildProgram declares every command; each action stores its runner in `pick` instead of exiting. */
export function buildProgram(pick: (run: CommandRunner) => void): Command {
  const program = new Command("watchdog")
    .description(
      "Watch self-hosted AI model services: probes, an escalation ladder, restart hooks and recovery notices.",
    )
    .version(version, "-V, --version")
    .addOption(
      new Option(
        "-c, --config <file>",
        "config file (default: $WATCHDOG_CONFIG, ./watchdog.yaml, /etc/watchdog/watchdog.yaml, embedded)",
      ),
    )
    .addOption(new Option("--state <file>", "state file (overrides state_file)"))
    .addOption(new Option("--debug", "show stack traces and debug logs"))
    .showHelpAfterError()
    // `watchdog check --help` also lists --config, --state and --debug, which every command takes.
    .configureHelp({ showGlobalOptions: true })
    .enablePositionalOptions(false);

  program
    .command("check")
    .description("run every probe, climb the ladder, notify, restart; exits 0 when the run completed")
    .option("--dry-run", "probe and print every action with its rendered message; send, restart and write nothing")
    .option("--json", "print the run as JSON")
    .option("--exit-status", "exit with the Nagios code of the worst check (0 ok, 1 warning, 2 critical, 3 unknown)")
    .option("--env-file <file>", "read NAME=value lines from FILE into the environment first (systemd's rules)")
    .action((o, cmd: Command) =>
      pick(async (io) => (await commands.check()).checkCommand({ ...cmd.optsWithGlobals(), ...o }, io)),
    );

  program
    .command("validate")
    .description("check the config file: prints `config OK` or every problem as FILE:LINE:COL (exit 78)")
    .option("--env-file <file>", "read NAME=value lines from FILE into the environment first (systemd's rules)")
    .action((o, cmd: Command) =>
      pick(async (io) => (await commands.validate()).validateCommand({ ...cmd.optsWithGlobals(), ...o }, io)),
    );

  program
    .command("test-notify")
    .description(
      "send one test message through a channel now " +
        `(by name, or type: ${Object.keys(channelTypes).map(channelWord).join(", ")}); ` +
        "exit 1 with the provider's reason on failure",
    )
    .argument("<channel>", "channel name, or a type/alias when only one channel has it")
    .option("-m, --message <text>", "the text to send")
    .option("--env-file <file>", "read NAME=value lines from FILE into the environment first (systemd's rules)")
    .action((ref: string, o, cmd: Command) =>
      pick(async (io) => (await commands.testNotify()).testNotifyCommand(ref, { ...cmd.optsWithGlobals(), ...o }, io)),
    );

  registerOperating(program, pick);
  return program;
}

/** registerOperating declares the commands that show and steer a running watchdog (issue 5). */
function registerOperating(program: Command, pick: (run: CommandRunner) => void): void {
  const starterNames = starters()
    .map((s) => s.name)
    .join(", ");
  const globals = (o: object, cmd: Command) => ({ ...cmd.optsWithGlobals(), ...o });
  program
    .command("status")
    .description(
      "every check (status, streak, step, channels told, restarts, marks), the outbox, silences and the last run",
    )
    .option("--json", "print as JSON")
    .option("--html <file>", "write the status page (self-contained HTML) to FILE ('-' for stdout) instead")
    .option("--exit-status", "exit with the Nagios code of the worst check; 2 at least while a channel is failing")
    .action((o, cmd: Command) => pick(async (io) => (await commands.status()).statusCommand(globals(o, cmd), io)));
  program
    .command("history")
    .description(
      "incidents (start, end, duration, peak step, cause) and a per-check summary (downtime, MTTR, most common cause)",
    )
    .option("--since <duration>", "how far back, e.g. 24h, 7d", "7d")
    .option("--check <name>", "only this check")
    .option("--json", "print as JSON")
    .option("--events", "with --json: include the raw events")
    .action((o, cmd: Command) => pick(async (io) => (await commands.history()).historyCommand(globals(o, cmd), io)));
  const silence = program
    .command("silence")
    .description("mute checks for a while: probes and state go on; no notification, no restart");
  silence
    .command("add")
    .description("silence the checks matching a glob (e.g. 'llm-*')")
    .argument("<check-glob>", "check name or glob: * any characters, ? one character")
    .requiredOption("--for <duration>", "how long, e.g. 30m, 2h (at most 30d)")
    .option("--reason <text>", "why (shown by status and silence list)")
    .action((glob: string, o, cmd: Command) =>
      pick(async (io) => (await commands.silence()).silenceAddCommand(glob, globals(o, cmd), io)),
    );
  silence
    .command("list")
    .description("the active silences")
    .option("--all", "also those ended in the last day")
    .option("--json", "print as JSON")
    .action((o, cmd: Command) =>
      pick(async (io) => (await commands.silence()).silenceListCommand(globals(o, cmd), io)),
    );
  silence
    .command("remove")
    .description("end a silence now")
    .argument("<id>", "the silence id (a unique prefix of 4+ characters is enough)")
    .action((id: string, o, cmd: Command) =>
      pick(async (io) => (await commands.silence()).silenceRemoveCommand(id, globals(o, cmd), io)),
    );
  program
    .command("ack")
    .description("acknowledge a check's incident: no further steps or reminders; the recovery notice still goes out")
    .argument("<check>", "check name")
    .option("--note <text>", "a note (kept in the state and the history)")
    .action((check: string, o, cmd: Command) =>
      pick(async (io) => (await commands.ack()).ackCommand(check, globals(o, cmd), io)),
    );
  program
    .command("simulate")
    .description(
      "run the ladder on synthetic results and print what would be sent, restarted and when; nothing is probed or sent",
    )
    .argument("<check>", "check name")
    .option("--failures <n>", "failing runs (default: enough to reach the last step and a reminder)")
    .option("--then-ok <n>", "ok runs after them (default: recover_after)")
    .option("--interval <duration>", "time between runs (default: expected_interval)")
    .option("--status <status>", "the failing status: critical, warning or unknown", "critical")
    .option("--brief", "subjects only, not the message text")
    .option("--json", "print as JSON")
    .action((check: string, o, cmd: Command) =>
      pick(async (io) => (await commands.simulate()).simulateCommand(check, globals(o, cmd), io)),
    );
  program
    .command("init")
    .description(
      "write a short starter config (one service, the channels of --channels; --full: every option); " +
        "never overwrites without --force",
    )
    .option("--path <file>", "where to write it (default: the file of -c, else watchdog.yaml)")
    .option("--force", "overwrite an existing file")
    .option("--channels <list>", `the channels of the short starter, e.g. email,dingtalk (${starterNames})`)
    .option("--recipe <list>", `ready-made checks for these stacks, e.g. vllm,comfyui (${RECIPE_NAMES})`)
    .option("--full", "write the whole commented example (config.example.yaml) instead")
    // A new user writes `init -c FILE` as they will write `check -c FILE`: the file of -c is where it goes.
    .action((o, cmd: Command) => {
      const config = (cmd.optsWithGlobals() as { config?: string }).config;
      return pick(async (io) => (await commands.init()).initCommand({ ...o, path: o.path ?? config }, io));
    });
  program
    .command("schema")
    .description("print the JSON Schema of the config file (for editor completion)")
    .action(() => pick(async (io) => (await commands.schema()).schemaCommand(io)));
  program
    .command("daemon")
    .description(
      "run checks in a loop every `interval` (holds the lock; SIGHUP reloads the config, " +
        "SIGTERM stops after the current run)",
    )
    .action((o, cmd: Command) => pick(async (io) => (await commands.daemon()).daemonCommand(globals(o, cmd), io)));
  program
    .command("install")
    .description("install the cron line (--cron, printed unless --write) or the systemd units (--systemd)")
    .option("--cron", "the cron way: every 2 minutes")
    .option("--systemd", "watchdog.service + watchdog.timer (and watchdog-daemon.service)")
    .option("--daemon", "with --systemd: enable watchdog-daemon.service instead of the timer")
    .option("--write", "with --cron: write /etc/cron.d/watchdog instead of printing")
    .option("--dest <dir>", "where to write (default /etc/cron.d or /etc/systemd/system)")
    .option("--no-enable", "with --systemd: write the units but do not run systemctl")
    .option("--env-file <file>", "where the runs read the config's ${VARS} (default /etc/watchdog/watchdog.env)")
    .action((o, cmd: Command) => pick(async (io) => (await commands.install()).installCommand(globals(o, cmd), io)));
}
