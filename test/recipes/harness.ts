import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { cronAt, installCron, writeEmailConfig, writePrivate, type Field } from "../e2e/field-helpers.js";

const ROOT = path.resolve(__dirname, "../..");

/** CheckState is what a test reads of a check in the state file. */
type CheckState = { status: string; summary?: string };

/** RecipeRun is one recipe installed in cron as a user would: its checks, the email channel, the env file. */
export type RecipeRun = {
  /** The log file the recipe's log check reads (created empty). */
  log: string;
  /** run runs the next simulated cron slot (two minutes after the last) and returns the checks' state. */
  run(): Promise<Record<string, CheckState>>;
  /** mails returns the mails this recipe's runs sent, subject and text. */
  mails(): { subject: string; text: string }[];
};

/**
 * installRecipe writes a config in `dir` (email at the first failing run, to the field's SMTP sink) with the recipe's
 * checks appended as they are shipped, the variables in an env file, and installs its cron line. `vars` names the
 * stack's variables (VLLM_URL...); `logVar` is the one that points its log check at a file of the test.
 */
export async function installRecipe(
  field: Field,
  name: string,
  stack: string,
  vars: Record<string, string>,
  logVar: string,
): Promise<RecipeRun> {
  const dir = path.join(field.dir, name);
  const log = path.join(dir, "service.log");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(log, "");
  const recipe = fs.readFileSync(path.join(ROOT, "recipes", `${stack}.yaml`), "utf8");
  const config = writeEmailConfig(dir, field.smtp.port, `escalation:\n  - {after: 1, notify: [email]}\n${recipe}`);
  const env = { SMTP_PASS: "right-pass", ...vars, [logVar]: log };
  const envFile = writePrivate(
    path.join(dir, "watchdog.env"),
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
  );
  const command = await installCron(config, envFile);
  const before = field.smtp.mails.length;
  let slot = 0;
  return {
    log,
    async run() {
      const r = await cronAt(command, slot++);
      // Cron mails stderr: a run that works says nothing there.
      expect({ code: r.code, mail: r.mail }).toEqual({ code: 0, mail: "" });
      const state = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8"));
      return state.checks as Record<string, CheckState>;
    },
    mails: () =>
      field.smtp.mails
        .slice(before)
        .map((m) => ({ subject: m.subject ?? "", text: typeof m.text === "string" ? m.text : "" })),
  };
}

/**
 * brokenAfterFirstRun runs the recipe once, then breaks its server (`breakIt`), appends `logLines` to its log and runs
 * it again. Returns both runs' statuses and the mails.
 */
export async function brokenAfterFirstRun(recipe: RecipeRun, breakIt: () => void, logLines: string) {
  const first = statuses(await recipe.run());
  breakIt();
  fs.appendFileSync(recipe.log, logLines);
  const next = statuses(await recipe.run());
  return { first, next, mails: recipe.mails() };
}

/**
 * oomAfterFirstRun: all well at the first run (`ok`), then the server broken (`breakIt`) with a CUDA OOM in its log
 * (`oomLines`): `check` is critical, and its alert is the first mail, naming gpu_oom. Returns that mail.
 */
export async function oomAfterFirstRun(
  recipe: RecipeRun,
  ok: Record<string, string>,
  breakIt: () => void,
  oomLines: string,
  check: string,
) {
  const { first, next, mails } = await brokenAfterFirstRun(recipe, breakIt, oomLines);
  expect(first).toEqual(ok);
  expect(next[check]).toBe("critical");
  const [mail] = mails;
  expect(mail!.subject).toMatch(new RegExp(`CRITICAL ${check} `));
  expect(mail!.text).toContain("Probable cause: gpu_oom");
  return mail!;
}

/**
 * processGone runs the recipe once, closes its server and runs it again: `health` is critical, and its alert is the
 * one mail, saying the connection was refused. Returns that run's statuses and the mail.
 */
export async function processGone(recipe: RecipeRun, server: { close(): Promise<unknown> }, health: string) {
  await recipe.run();
  await server.close();
  const now = statuses(await recipe.run());
  expect(now[health]).toBe("critical");
  const mails = recipe.mails();
  expect(mails).toHaveLength(1);
  expect(mails[0]!.subject).toMatch(new RegExp(`CRITICAL ${health} `));
  expect(mails[0]!.text).toContain("refused the connection");
  return { statuses: now, mail: mails[0]! };
}

/** statuses maps each check to its status, for one readable assertion. */
export function statuses(checks: Record<string, CheckState>): Record<string, string> {
  return Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, v.status]));
}
