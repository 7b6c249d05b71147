import type { ChannelConfig, CheckConfig, Step } from "../../src/config/schema.js";

/** MIN is a minute in milliseconds; T0 is the literal "now" engine tests start from. */
export const MIN = 60_000;
export const T0 = 1_700_000_000_000;

/** engineCheck is a resolved tcp check with a restart hook (2 per 30m) and the given ladder; `over` replaces fields. */
export function engineCheck(name: string, escalation: Step[], over: Partial<CheckConfig> = {}): CheckConfig {
  return {
    name,
    type: "tcp",
    escalation,
    repeat_every: 30 * MIN,
    recover_after: 1,
    restart: { command: ["true"], shell: false, timeout: 60_000, verify_after: 0, limit: { max: 2, within: 30 * MIN } },
    depends_on: [],
    labels: {},
    runbook: undefined,
    ...over,
  };
}

/** consoleChannel is a channel config for the engine, which reads only min_severity. */
export const consoleChannel = (min_severity: "warning" | "critical" = "warning"): ChannelConfig => ({
  type: "console",
  fallback: [],
  timeout: 1000,
  min_severity,
});
