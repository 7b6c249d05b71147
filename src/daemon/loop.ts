import { sendTrouble } from "../notify/channel-health.js";
import type http from "node:http";
import v8 from "node:v8";
import type { Config } from "../config/schema.js";
import type { Deps } from "../deps.js";
import { emptyState, type State } from "../engine/types.js";
import { ConfigError, errorMessage } from "../errors.js";
import { renderMetrics } from "../exporters/textfile.js";
import { PAGE_CSP } from "../exporters/status-page/html.js";
import { renderStatusPage } from "../exporters/status-page/index.js";
import { recordEvents } from "../history/record.js";
import type { Redactor } from "../notify/redact.js";
import { buildCatalog } from "../probes/registry.js";
import type { ProbeResult } from "../probes/types.js";
import { runCheck } from "../run-check.js";
import { acquireLock } from "../state/lock.js";
import { unsavedLine } from "../state/run-store.js";
import { createLimitedServer } from "./server-limits.js";

/** DaemonOptions are what the daemon needs: a way to (re)load the config, the deps, and where to print. */
export type DaemonOptions = {
  load: () => { config: Config; redact: Redactor };
  deps: Deps;
  out: (s: string) => void;
  err: (s: string) => void;
  /** Process signals by default; tests may pass their own emitter. */
  signals?: Pick<NodeJS.Process, "on" | "off">;
};

/** dueChecks lists the checks whose own `interval` (or the global one) has passed since they were last probed. */
export function dueChecks(
  config: Pick<Config, "checks" | "interval">,
  lastProbed: ReadonlyMap<string, number>,
  now: number,
): string[] {
  return config.checks
    .filter(
      (c) => now - (lastProbed.get(c.name) ?? -Infinity) >= ((c.interval as number | undefined) ?? config.interval),
    )
    .map((c) => c.name);
}

/** nextDue is when the next check is due (epoch ms). */
export function nextDue(config: Pick<Config, "checks" | "interval">, lastProbed: ReadonlyMap<string, number>): number {
  return Math.min(
    ...config.checks.map(
      (c) => (lastProbed.get(c.name) ?? 0) + ((c.interval as number | undefined) ?? config.interval),
    ),
    Infinity,
  );
}

/**
 * runDaemon runs the check pipeline in a loop, holding the lock for its whole life (so cron and the daemon never both
 * run). SIGHUP reloads the config (a bad one is reported and the old one kept); SIGTERM or SIGINT lets the current
 * run finish and save, then returns 0. Optional `metrics.listen` serves /metrics and /healthz.
 */
export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const { deps } = opts;
  const signals = opts.signals ?? process;
  let { config, redact } = opts.load();
  // Built once per loaded config: the log checks keep their compiled rules for as long as it is the same catalog.
  let catalog = buildCatalog(config.causes, config.disable_causes).catalog;
  const lock = acquireLock(`${config.state_file}.lock`);
  let stopping = false;
  let reload = false;
  let wake: () => void = () => {};
  const onHup = () => {
    reload = true;
    wake();
  };
  const onTerm = () => {
    stopping = true;
    wake();
  };
  signals.on("SIGHUP", onHup);
  signals.on("SIGTERM", onTerm);
  signals.on("SIGINT", onTerm);
  let last: { state: State; results: ProbeResult[]; at: number } = { state: emptyState(), results: [], at: 0 };
  const server = config.metrics?.listen
    ? await serveMetrics(config.metrics.listen, () => ({ config, last, redact }))
    : undefined;
  opts.out(
    `watchdog daemon: pid ${process.pid}, every ${config.interval / 1000}s, state ` +
      `${config.state_file}${server ? `, metrics on http://${config.metrics!.listen}/metrics` : ""}\n`,
  );
  const lastProbed = new Map<string, number>();
  try {
    while (!stopping) {
      if (reload) {
        reload = false;
        try {
          const next = opts.load();
          if (next.config.state_file !== config.state_file)
            throw new ConfigError([
              `state_file changed (${config.state_file} -> ${next.config.state_file}): restart the daemon to move it`,
            ]);
          ({ config, redact } = next);
          catalog = buildCatalog(config.causes, config.disable_causes).catalog;
          lastProbed.clear();
          opts.out(`watchdog daemon: config reloaded from ${config.source}\n`);
          deps.logger.info({ event: "config_reload", ok: true }, "config reloaded");
          recordEvents(config, deps, [
            { at: deps.clock.now(), type: "config_reload", ok: true, source: config.source },
          ]);
        } catch (err) {
          const why = err instanceof ConfigError ? err.issues.join("; ") : errorMessage(err);
          opts.err(`watchdog daemon: config reload failed, keeping the old config: ${why}\n`);
          deps.logger.error({ event: "config_reload", ok: false }, `config reload failed: ${why}`);
          recordEvents(config, deps, [
            { at: deps.clock.now(), type: "config_reload", ok: false, source: config.source, error: why },
          ]);
        }
      }
      const now = deps.clock.now();
      const due = dueChecks(config, lastProbed, now);
      if (due.length) {
        for (const name of due) lastProbed.set(name, now);
        try {
          // A gap in the daemon's own runs is one longer than 3 x its interval, when that is longer than
          // expected_interval.
          const runConfig = { ...config, expected_interval: Math.max(config.expected_interval, config.interval) };
          const report = await runCheck(runConfig, deps, {
            dryRun: false,
            redact,
            lockHeld: true,
            only: new Set(due),
            catalog,
          });
          last = {
            state: report.state,
            results: [...last.results.filter((r) => !due.includes(r.check)), ...report.results],
            at: deps.clock.now(),
          };
          const failing = report.results.filter((r) => r.status !== "ok").map((r) => r.check);
          // What failed to reach a person goes to stderr (the journal under systemd), as `check` does.
          for (const line of sendTrouble(report, config.state_file)) opts.err(`${redact(line)}\n`);
          if (report.unsaved !== undefined) opts.err(`${redact(unsavedLine(report.unsaved))}\n`);
          if (deps.env.WATCHDOG_DEBUG_MEMORY) opts.err(memoryLine());
          opts.out(
            `run: ${report.results.length} checked` +
              (failing.length ? `, failing: ${failing.join(", ")}` : ", all ok") +
              `; sent ${report.attempts.filter((a) => a.ok).length}` +
              (report.attempts.some((a) => !a.ok)
                ? `, failed to send ${report.attempts.filter((a) => !a.ok).length}`
                : "") +
              (report.restarts.length ? `; restarted ${report.restarts.map((r) => r.check).join(", ")}` : "") +
              "\n",
          );
        } catch (err) {
          // A run that fails (state file unwritable, a bug) is reported; the daemon lives on and tries again.
          opts.err(`watchdog daemon: run failed: ${errorMessage(err)}\n`);
          deps.logger.error({ event: "run_failed", err: errorMessage(err) }, "run failed");
        }
      }
      if (stopping || reload) continue;
      const due2 = nextDue(config, lastProbed);
      const wait = Number.isFinite(due2) ? Math.max(10, due2 - deps.clock.now()) : config.interval;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = () => {};
    }
  } finally {
    signals.off("SIGHUP", onHup);
    signals.off("SIGTERM", onTerm);
    signals.off("SIGINT", onTerm);
    server?.close();
    lock.release();
  }
  opts.out("watchdog daemon: stopped\n");
  return 0;
}

/** memoryLine is the daemon's memory after a run (WATCHDOG_DEBUG_MEMORY=1): where to look when it grows. */
function memoryLine(): string {
  const mib = (n: number) => (n / 1048576).toFixed(1);
  // Under `node --expose-gc`, what is live, not what waits for the next collection: a leak shows as a rising heap.
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const spaces = v8
    .getHeapSpaceStatistics()
    .filter((s) => s.space_size > 0)
    .map((s) => `${s.space_name.replace(/_space$/, "")} ${mib(s.space_used_size)}/${mib(s.space_size)}`);
  return (
    `memory: rss ${mib(m.rss)} heap ${mib(m.heapUsed)}/${mib(m.heapTotal)} external ${mib(m.external)} ` +
    `arrayBuffers ${mib(m.arrayBuffers)} (${spaces.join(", ")}) MiB\n`
  );
}

/**
 * serveMetrics serves /metrics (Prometheus text, from the last run) and /healthz (503 when no run completed lately).
 */
async function serveMetrics(
  listen: string,
  view: () => { config: Config; last: { state: State; results: ProbeResult[]; at: number }; redact: Redactor },
): Promise<http.Server> {
  const at = listen.lastIndexOf(":");
  const host = listen.slice(0, at) || "127.0.0.1";
  const port = Number(listen.slice(at + 1));
  // One render per run (and config): `/` asked in a loop gets the same page, and never starves /healthz or the runs.
  let page: { html: string; of: object; config: Config } | undefined;
  const server = createLimitedServer((req, res) => {
    const { config, last, redact } = view();
    if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(renderMetrics({ state: last.state, results: last.results }, config, redact));
    } else if (req.url === "/" || req.url === "/index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": PAGE_CSP });
      if (page?.of !== last || page.config !== config) {
        // Late means 3 missed runs of the daemon's own interval, as for its runs (see runDaemon).
        const pageConfig = { ...config, expected_interval: Math.max(config.expected_interval, config.interval) };
        page = { html: renderStatusPage(pageConfig, last.state, Date.now(), redact), of: last, config };
      }
      res.end(page.html);
    } else if (req.url === "/healthz") {
      const fresh = last.at > 0 && Date.now() - last.at < 3 * config.interval + config.run_timeout;
      res.writeHead(fresh ? 200 : 503, { "content-type": "text/plain" });
      res.end(fresh ? "ok\n" : "no completed run recently\n");
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found: try /metrics or /healthz\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  server.unref();
  return server;
}
