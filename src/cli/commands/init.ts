import fs from "node:fs";
import path from "node:path";
import exampleText from "../../../config.example.yaml?raw";
import { ExitError } from "../../errors.js";
import type { Io } from "../context.js";

/** InitOptions are the flags of `watchdog init`. */
export type InitOptions = { path?: string; force?: boolean };

/** GPU_CHECK is added to the starter config when nvidia-smi is on PATH. */
const GPU_CHECK = `  - name: gpu
    type: gpu                        # nvidia-smi: memory, utilisation, temperature, ECC/Xid (found on this host)
`;

/** onPath says whether an executable is on PATH (no shell, no spawn). */
export function onPath(name: string, envPath: string | undefined): boolean {
  for (const dir of (envPath ?? "").split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

/** starterConfig is config.example.yaml (embedded at build time), plus the checks this host suggests. */
export function starterConfig(hasGpu: boolean): string {
  if (!hasGpu) return exampleText;
  const at = exampleText.search(/^checks:\s*\n/m);
  if (at < 0) return `${exampleText.trimEnd()}\n${GPU_CHECK}`;
  const end = exampleText.indexOf("\n", at) + 1;
  return `${exampleText.slice(0, end)}${GPU_CHECK}\n${exampleText.slice(end)}`;
}

/** initCommand writes a commented starter config; it never overwrites without --force. */
export async function initCommand(opts: InitOptions, io: Io, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const file = path.resolve(opts.path ?? "watchdog.yaml");
  const dir = path.dirname(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new ExitError(1, `watchdog init: directory ${dir} does not exist (create it first, e.g. mkdir -p ${dir})`);
  }
  if (!st.isDirectory()) throw new ExitError(1, `watchdog init: ${dir} is not a directory`);
  if (fs.existsSync(file) && !opts.force) throw new ExitError(1, `watchdog init: ${file} already exists; use --force to overwrite it`);
  const gpu = onPath("nvidia-smi", env.PATH);
  try {
    fs.writeFileSync(file, starterConfig(gpu), { mode: 0o600 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EROFS" ? "read-only file system" : code === "EISDIR" ? "is a directory" : (err as Error).message;
    throw new ExitError(1, `watchdog init: cannot write ${file}: ${why}`);
  }
  io.out(`wrote ${file}${gpu ? " (with a GPU check: nvidia-smi was found)" : ""}\nedit it (channels, checks), then run: watchdog validate --config ${file}\n`);
  return 0;
}
