import { Command, Option } from "commander";
import { checkCommand } from "./commands/check.js";
import { validateCommand } from "./commands/validate.js";
import { testNotifyCommand } from "./commands/test-notify.js";
import type { Io } from "./context.js";

declare const WATCHDOG_VERSION: string;

/** version is set by the bundler; "dev" when run from source. */
export const version = typeof WATCHDOG_VERSION === "string" ? WATCHDOG_VERSION : "dev";

/** RunResult is how a command ended: the exit code the CLI must use. */
export type CommandRunner = (io: Io) => Promise<number>;

/** buildProgram declares every command; each action stores its runner in `pick` instead of exiting. */
export function buildProgram(pick: (run: CommandRunner) => void): Command {
  const program = new Command("watchdog")
    .description("Watch self-hosted AI model services: probes, an escalation ladder, restart hooks and recovery notices.")
    .version(version, "-V, --version")
    .addOption(new Option("-c, --config <file>", "config file (default: $WATCHDOG_CONFIG, ./watchdog.yaml, /etc/watchdog/watchdog.yaml, embedded)"))
    .addOption(new Option("--state <file>", "state file (overrides state_file)"))
    .addOption(new Option("--debug", "show stack traces and debug logs"))
    .showHelpAfterError()
    .enablePositionalOptions(false);

  program
    .command("check")
    .description("run every probe, climb the ladder, notify, restart; exits 0 when the run completed")
    .option("--dry-run", "probe and print every action with its rendered message; send, restart and write nothing")
    .option("--json", "print the run as JSON")
    .option("--exit-status", "exit with the Nagios code of the worst check (0 ok, 1 warning, 2 critical, 3 unknown)")
    .action((o, cmd: Command) => pick((io) => checkCommand({ ...cmd.optsWithGlobals(), ...o }, io)));

  program
    .command("validate")
    .description("check the config file: prints `config OK` or every problem as FILE:LINE:COL (exit 78)")
    .action((_o, cmd: Command) => pick(async (io) => validateCommand(cmd.optsWithGlobals(), io)));

  program
    .command("test-notify")
    .description("send one test message through a channel now (by name, or type: email, sms, dingtalk, wecom, feishu, webhook); exit 1 with the provider's reason on failure")
    .argument("<channel>", "channel name, or a type/alias when only one channel has it")
    .option("-m, --message <text>", "the text to send")
    .action((ref: string, o, cmd: Command) => pick((io) => testNotifyCommand(ref, { ...cmd.optsWithGlobals(), ...o }, io)));

  return program;
}
