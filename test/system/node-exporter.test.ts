import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli } from "../reliability/harness.js";
import { findBinary, freePort, get, startDaemon, startTcp, waitReady, type Daemon } from "./servers.js";

const runCli = (args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}) =>
  startCli(args, opts).done;

// The real node_exporter from Debian's prometheus-node-exporter package, with only its textfile collector.
const NE = findBinary("prometheus-node-exporter", "node_exporter", "/usr/bin/prometheus-node-exporter");
if (!NE)
  console.warn(
    "test/system/node-exporter: SKIPPED: no prometheus-node-exporter binary (apt-get install prometheus-node-exporter)",
  );

/** samples parses the exposition text into "name{labels}" -> value for the watchdog_ and node_textfile_ families. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!/^(watchdog_|node_textfile_)/.test(line)) continue;
    const i = line.lastIndexOf(" ");
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe.skipIf(!NE)(
  `watchdog metrics -> real node_exporter textfile collector` +
    `${NE ? "" : " (skipped: prometheus-node-exporter not installed)"}`,
  () => {
    let dir: string;
    let textDir: string;
    let ne: Daemon;
    let scrapeUrl: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-ne-"));
      textDir = path.join(dir, "textfile");
      fs.mkdirSync(textDir);
      const port = await freePort();
      scrapeUrl = `http://127.0.0.1:${port}/metrics`;
      ne = startDaemon(NE!, [
        "--collector.disable-defaults",
        "--collector.textfile",
        `--collector.textfile.directory=${textDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ]);
      await waitReady("node_exporter to answer", ne, scrapeUrl);
    }, 120_000);

    afterAll(async () => {
      await ne?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("serves watchdog's metrics with the values of the run", async () => {
      const up = await startTcp();
      const downPort = await freePort();
      const config = path.join(dir, "watchdog.yaml");
      fs.writeFileSync(
        config,
        `state_file: ${path.join(dir, "state.json")}\nmetrics:\n  textfile: ${path.join(textDir, "watchdog.prom")}\n` +
          `channels: {}\nescalation:\n  - after: 1\n` +
          `checks:\n  - name: svc-up\n    type: tcp\n    port: ${up.port}\n  - name: svc-down\n    type: tcp\n` +
          `    port: ${downPort}\n    timeout: 1s\n`,
      );
      try {
        const before = Date.now() / 1000;
        for (let i = 0; i < 2; i++) {
          const r = await runCli(["--config", config, "check"], { timeoutMs: 100_000 });
          expect(r.code, r.stderr).toBe(0);
        }
        const scraped = await get(scrapeUrl);
        const m = samples(scraped.body);
        expect(m.get("node_textfile_scrape_error")).toBe(0);
        expect(m.get('watchdog_check_status{check="svc-up"}')).toBe(0);
        expect(m.get('watchdog_check_status{check="svc-down"}')).toBe(2);
        expect(m.get('watchdog_check_up{check="svc-up"}')).toBe(1);
        expect(m.get('watchdog_check_up{check="svc-down"}')).toBe(0);
        expect(m.get('watchdog_check_failure_streak{check="svc-down"}')).toBe(2);
        expect(m.get('watchdog_check_incident_open{check="svc-down"}')).toBe(1);
        expect(m.get('watchdog_check_duration_seconds{check="svc-up"}')).toBeGreaterThanOrEqual(0);
        expect(m.get('watchdog_probe_connect_seconds{check="svc-up"}')).toBeGreaterThanOrEqual(0);
        expect(m.get("watchdog_outbox_messages")).toBe(0);
        expect(m.get("watchdog_last_run_timestamp_seconds")).toBeGreaterThanOrEqual(Math.floor(before));
        expect(m.get("watchdog_run_duration_seconds")).toBeGreaterThan(0);
        expect(scraped.body).toContain("# TYPE watchdog_check_status gauge");
        expect(scraped.body).toMatch(/node_textfile_mtime_seconds\{file="[^"]*watchdog\.prom"\}/);
        // The file is readable by node_exporter's own user (0644), and no temp file is left beside it.
        expect(fs.statSync(path.join(textDir, "watchdog.prom")).mode & 0o777).toBe(0o644);
        expect(fs.readdirSync(textDir)).toEqual(["watchdog.prom"]);
      } finally {
        await up.close();
      }
    }, 180_000);

    it("never serves a half-written file while runs rewrite it (bounded: 25 runs, scraping throughout)", async () => {
      // 60 checks make a file of several KB, so a non-atomic write would be caught half-way by some scrape.
      const up = await startTcp();
      const checks = Array.from(
        { length: 60 },
        (_, i) => `  - name: c${i}\n    type: tcp\n    port: ${up.port}\n    labels: {shard: "${i % 7}"}\n`,
      ).join("");
      const config = path.join(dir, "watchdog-many.yaml");
      fs.writeFileSync(
        config,
        `state_file: ${path.join(dir, "state-many.json")}\nmetrics:\n` +
          `  textfile: ${path.join(textDir, "many.prom")}\nchannels: {}\nescalation:\n  - after: 1\nchecks:\n` +
          `${checks}`,
      );
      let running = true;
      let scrapes = 0;
      const seen: string[] = [];
      const scraper = (async () => {
        while (running && scrapes < 5000) {
          const body = (await get(scrapeUrl)).body;
          scrapes += 1;
          const m = samples(body);
          if (!body.includes("many.prom")) continue; // not written yet
          const n = [...m.keys()].filter((k) => k.startsWith('watchdog_check_status{check="c')).length;
          if (m.get("node_textfile_scrape_error") !== 0 || n !== 60 || !m.has("watchdog_run_duration_seconds"))
            seen.push(body.slice(0, 2000));
        }
      })();
      try {
        for (let i = 0; i < 25; i++) {
          const r = await runCli(["--config", config, "check"], { timeoutMs: 100_000 });
          expect(r.code, r.stderr).toBe(0);
        }
      } finally {
        running = false;
        await scraper;
        await up.close();
      }
      expect(scrapes).toBeGreaterThan(10);
      expect(seen).toEqual([]);
    }, 600_000);
  },
);
