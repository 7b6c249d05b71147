import fs from "node:fs";

/** statFields are the fields of /proc/PID/stat after the command name: [0] is the state, [19] the start time. */
export function statFields(pid: number): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** alive is true for a running process; a zombie (killed, waiting for a reaper that containers may lack) is dead. */
export function alive(pid: number): boolean {
  try {
    return statFields(pid)[0] !== "Z";
  } catch {
    return false;
  }
}
