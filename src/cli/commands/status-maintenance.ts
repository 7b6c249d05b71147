import type { MaintenanceWindow } from "../../config/maintenance.js";
import { formatDuration } from "../../duration.js";
import { windowsNow } from "../../config/windows.js";

/** maintenanceLines are the configured windows: open now until when, or when the next one starts. */
export function maintenanceLines(
  windows: readonly MaintenanceWindow[],
  now: number,
  at: (t: number) => string,
  hang: (text: string) => string[],
): string[] {
  const list = windowsNow(windows, now);
  if (!list.length) return [];
  return [
    "maintenance windows:",
    ...list.flatMap((w) =>
      hang(
        `${w.name}  ${w.checks.join(",")}  ` +
          (w.active
            ? `OPEN: alerts and restarts held, ${formatDuration(w.endsAt - now)} left, until ${at(w.endsAt)}`
            : `next ${at(w.startsAt)} for ${formatDuration(w.endsAt - w.startsAt)}`),
      ),
    ),
  ];
}
