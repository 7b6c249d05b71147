import fs from "node:fs";
import path from "node:path";
import exampleText from "../../../config.example.yaml?raw";
import { ExitError, UsageError } from "../../errors.js";
import { parseChannelList, parseRecipeList, shortStarter } from "../starter.js";
import type { Io } from "../context.js";
import { fold, loadWidths } from "../table.js";
import { onPath } from "../../on-path.js";
import { writeFileAtomic } from "../../core/safe-fs.js";
import { configJsonSchema } from "./schema.js";

/** InitOptions are the flags of `watchdog init`. */
export type InitOptions = { path?: string; force?: boolean; full?: boolean; channels?: string; recipe?: string };

/** SCHEMA_FILE is the JSON Schema file the starters' first line names, relative to the config. */
const SCHEMA_FILE = "watchdog.schema.json";

/** GPU_CHECK is added to the starter config when nvidia-smi is on PATH. */
const GPU_CHECK = `  - name: gpu
    type: gpu                        # nvidia-smi: memory, utilisation, temperature, ECC/Xid (found on this host)
`;

/**
 * starterConfig is config.example.yaml (embedded at build time) fitted to this host: with nvidia-smi, it keeps the
 * example's GPU check (or adds one); without, the GPU checks are commented out, so the first run is not an alarm.
 */
export function starterConfig(hasGpu: boolean): string {
  const lines = exampleText.split("\n");
  const gpuBlocks: [number, number][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^ {2}- name: /.test(lines[i]!)) continue;
    let end = i + 1;
    while (end < lines.length && !/^ {2}- |^\S/.test(lines[end]!)) end++;
    while (end > i + 1 && lines[end - 1]!.trim() === "") end--;
    if (lines.slice(i, end).some((l) => /^\s+type: gpu\b/.test(l) || /^ {2}- name: .*\btype: gpu\b/.test(l)))
      gpuBlocks.push([i, end]);
  }
  if (hasGpu) {
    if (gpuBlocks.length) return exampleText;
    const at = lines.findIndex((l) => /^checks:\s*$/.test(l));
    if (at < 0) return `${exampleText.trimEnd()}\nchecks:\n${GPU_CHECK}`;
    return [...lines.slice(0, at + 1), ...GPU_CHECK.trimEnd().split("\n"), "", ...lines.slice(at + 1)].join("\n");
  }
  for (const [from, to] of gpuBlocks) {
    for (let j = from; j < to; j++) if (lines[j]!.trim() !== "") lines[j] = `  # ${lines[j]!.slice(2)}`;
    lines[from] =
      `  # (no nvidia-smi on this host when \`watchdog init\` ran: uncomment on a GPU machine)\n${lines[from]}`;
  }
  return lines.join("\n");
}

/** writable says whether this user may create files in dir, or could create dir in its nearest existing parent. */
function writable(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      fs.accessSync(d, fs.constants.W_OK);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || d === path.dirname(d)) return false;
    }
  }
}

/**
 * writeSchema writes the JSON Schema that the starter's first line (`# yaml-language-server: $schema=...`) names,
 * beside it, so that an editor completes and checks keys at once; an existing one is kept without --force.
 */
function writeSchema(dir: string, force: boolean): string {
  const file = path.join(dir, SCHEMA_FILE);
  if (fs.existsSync(file) && !force)
    return `kept ${file} (\`watchdog schema > ${file}\` brings it up to date with this build)`;
  try {
    writeFileAtomic(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`, 0o644, { checkDir: false });
    return `wrote ${file} (the JSON Schema its first line names, for editors' completion)`;
  } catch (err) {
    return `could not write ${file} (${(err as Error).message}): \`watchdog schema > ${file}\` writes it`;
  }
}

/** initCommand writes a commented starter config; it never overwrites without --force. */
export async function initCommand(
  opts: InitOptions,
  io: Io,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  await loadWidths();
  const file = path.resolve(opts.path ?? "watchdog.yaml");
  const dir = path.dirname(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new ExitError(1, `watchdog init: directory ${dir} does not exist (create it first, e.g. mkdir -p ${dir})`);
  }
  if (!st.isDirectory()) throw new ExitError(1, `watchdog init: ${dir} is not a directory`);
  if (fs.existsSync(file) && !opts.force)
    throw new ExitError(1, `watchdog init: ${file} already exists; use --force to overwrite it`);
  const gpu = onPath("nvidia-smi", env.PATH);
  if (opts.full && opts.channels)
    throw new UsageError(
      "--channels makes the short starter; --full writes the whole example (delete the channels you do not use)",
    );
  if (opts.full && opts.recipe)
    throw new UsageError("--recipe makes the short starter with those checks; --full writes the whole example");
  let channels: string[] = [];
  try {
    channels = opts.full ? [] : parseChannelList(opts.channels ?? "email");
  } catch (err) {
    throw new UsageError(`init --channels: ${(err as Error).message}`);
  }
  let recipes: string[] = [];
  try {
    recipes = opts.recipe === undefined ? [] : parseRecipeList(opts.recipe);
  } catch (err) {
    throw new UsageError(`init --recipe: ${(err as Error).message}`);
  }
  // The short starter by default: one service (or the recipes' checks) and the channels asked for, valid once its
  // ${VARS} are set.
  const text = opts.full ? starterConfig(gpu) : shortStarter(channels, gpu, recipes);
  try {
    writeFileAtomic(file, text, 0o600, { checkDir: false });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "EROFS"
          ? "read-only file system"
          : code === "EISDIR"
            ? "is a directory"
            : (err as Error).message;
    throw new ExitError(1, `watchdog init: cannot write ${file}: ${why}`);
  }
  const lines = fold(
    `wrote ${file}` +
      (gpu ? " (with a GPU check: nvidia-smi was found)" : " (GPU checks commented out: no nvidia-smi on PATH)"),
    80,
  );
  lines.push(
    ...fold(
      opts.full
        ? "the full example: every option, commented"
        : `a short starter: ${recipes.length ? `the checks of recipe ${recipes.join(", ")}` : "one service"}, ` +
            `channels ${channels.join(", ")} (\`watchdog init --full\`: every option)`,
      80,
    ),
  );
  // What `validate` would refuse at once: say it now, with the way out. The channels' secrets, then what the checks
  // cannot default (a recipe's model name).
  const at = text.search(/^checks:/m);
  const unsetIn = (part: string) =>
    [...new Set([...part.matchAll(/^[^#\n]*?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/gm)].map((m) => m[1]!))].filter(
      (v) => !env[v],
    );
  const unset = unsetIn(at < 0 ? text : text.slice(0, at));
  const unsetChecks = at < 0 ? [] : unsetIn(text.slice(at));
  if (unset.length)
    lines.push(
      ...fold(
        `its channels read secrets from the environment, not set here: ${unset.join(", ")}. Set them (for cron and ` +
          "systemd in /etc/watchdog/watchdog.env, mode 0600), or use the *_file " +
          `keys${opts.full ? ", and delete the channels you do not use (and their names in escalation:)" : ""}.`,
        80,
      ),
    );
  if (unsetChecks.length)
    lines.push(
      ...fold(
        `its checks read from the environment, not set here: ${unsetChecks.join(", ")} (the comments above each ` +
          "recipe say what to set; the same file as the secrets).",
        80,
      ),
    );
  const state = /^state_file: (\S+)/m.exec(text)?.[1];
  if (state && !writable(path.dirname(state)))
    lines.push(
      ...fold(
        `state_file is ${state}, which you cannot write: point it at a directory of yours (or run watchdog as root).`,
        80,
      ),
    );
  lines.push(...fold(writeSchema(dir, !!opts.force), 80));
  lines.push("Edit it (channels, checks), then run:", `  watchdog validate --config ${file}`);
  io.out(`${lines.join("\n")}\n`);
  return 0;
}
