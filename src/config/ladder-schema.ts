import { z } from "zod";
import { duration } from "../core/fields.js";

/** stepSchema is one rung of the escalation ladder. */
export const stepSchema = z.strictObject({
  after: z
    .number()
    .int()
    .min(1)
    .describe("Failing runs in a row that reach this step (1: the first failure); it fires once per incident."),
  within: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      "Count `after` failures in the last this many runs instead: a service that fails every other run escalates too.",
    ),
  notify: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "Channels told when the step fires: names under `channels:`, or a type or alias (sms, mail) one channel has.",
    ),
  restart: z.boolean().default(false).describe("Run the check's restart hook (its `restart:`) when the step fires."),
});
export type Step = z.infer<typeof stepSchema>;

/** restartSchema is a check's restart hook. */
export const restartSchema = z.strictObject({
  command: z
    .union([z.string().min(1), z.array(z.string()).min(1)])
    .describe("The hook that restarts the service: an argv list, or one string for /bin/sh -c with `shell: true`."),
  shell: z
    .boolean()
    .default(false)
    .describe("Run `command` as one string through /bin/sh -c (for `nohup ... &`, pipes, `cd`)."),
  timeout: duration
    .default(60_000)
    .describe("A hook still running after this (default 60s) is killed with its process group and reported failed."),
  verify_after: duration
    .optional()
    .describe("The first re-probe, this long after the hook's exit (default 15s); then every 2s until it passes."),
  verify_within: duration
    .optional()
    .describe(
      "How long after the hook's exit re-probing may go on: 3m by default (one re-probe when only `verify_after` is " +
        "set); raise it for a model that loads slowly.",
    ),
  stop: z
    .union([z.string().min(1), z.array(z.string()).min(1)])
    .optional()
    .describe(
      "A command run before `command`, to end a copy that hangs instead of dying; its exit code is only reported.",
    ),
  stop_hung: z
    .boolean()
    .optional()
    .describe("First end what listens on the tcp or http check's port (TERM, `stop_grace`, KILL): for a hung server."),
  stop_grace: duration
    .optional()
    .describe("With `stop_hung`, how long after TERM the process gets before KILL (default 10s)."),
  env: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      "Variables added to the hook's clean environment (PATH, HOME, LANG, LC_*, TZ); watchdog's secrets never are.",
    ),
  limit: z
    .strictObject({
      max: z.number().int().min(0).default(2).describe("Restarts allowed in the window (0: never restart)."),
      within: duration.default(30 * 60_000).describe("The window the restarts are counted in (default 30m)."),
    })
    .default({ max: 2, within: 30 * 60_000 })
    .describe('At most `max` restarts in `within`; then no more until the incident ends, and one "giving up" notice.'),
});
export type RestartConfig = z.infer<typeof restartSchema>;
