import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CLI } from "../helpers/cli.js";

// A preload that records every module id the run requires: Module.prototype.require is what the bundle's own
// require (scripts/loader.cjs) and Node's CommonJS loader both go through. The list is written at exit.
const PRELOAD = `"use strict";
const Module = require("node:module");
const { writeFileSync } = require("node:fs");
const out = process.env.WATCHDOG_TEST_LOADED;
const ids = [];
const original = Module.prototype.require;
Module.prototype.require = function (id) {
  ids.push(id);
  return original.apply(this, arguments);
};
process.on("exit", () => writeFileSync(out, ids.join("\\n")));
`;

/** LoadedRun is how one run ended and the module ids it required, in order. */
export type LoadedRun = { code: number | null; stdout: string; stderr: string; modules: string[] };

/**
 * loadedModules runs the built CLI (dist/watchdog.cjs) with ARGS under a preload that records every module id the
 * run passed to require, e.g. "./lazy/zod.cjs" for the zod library the bundle loads on first use.
 */
export async function loadedModules(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<LoadedRun> {
  const dir = mkdtempSync(path.join(tmpdir(), "wd-loaded-"));
  try {
    const preload = path.join(dir, "preload.cjs");
    const list = path.join(dir, "loaded.txt");
    writeFileSync(preload, PRELOAD);
    const env = { ...process.env, ...opts.env, WATCHDOG_TEST_LOADED: list };
    const child = spawn(process.execPath, ["--require", preload, CLI, ...args], {
      env,
      cwd: opts.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    const modules = readFileSync(list, "utf8").split("\n").filter(Boolean);
    return { code, stdout, stderr, modules };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
