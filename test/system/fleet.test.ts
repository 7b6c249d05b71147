import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli } from "../reliability/harness.js";
import {
  findBinary,
  freePort,
  get,
  startDaemon,
  startReceiver,
  startTcp,
  waitFor,
  waitReady,
  type Daemon,
  type Receiver,
} from "./servers.js";

// The fleet path on the real Debian binaries: three watchdog hosts (own host name, state and textfile directory),
// one node_exporter each, Prometheus with the shipped rules, two clustered Alertmanagers and a webhook receiver.
const PROM = findBinary("prometheus", "/usr/bin/prometheus");
const AM = findBinary("prometheus-alertmanager", "alertmanager", "/usr/bin/prometheus-alertmanager");
const NE = findBinary("prometheus-node-exporter", "node_exporter", "/usr/bin/prometheus-node-exporter");
const missing = [!PROM && "prometheus", !AM && "prometheus-alertmanager", !NE && "prometheus-node-exporter"].filter(
  Boolean,
);
if (missing.length)
  console.warn(
    `test/system/fleet: SKIPPED: not installed: ${missing.join(", ")} (apt-get install ${missing.join(" ")})`,
  );

const RULES = path.resolve(__dirname, "../../contrib/prometheus/watchdog.rules.yml");
// The shipped rules wait 10 minutes and hold for minutes; the test's copy waits 30 s and holds for 1 s.
const STALE_S = 30;

type Hook = { status: string; alerts: { status: string; labels: Record<string, string> }[] };
type Host = { name: string; dir: string; config: string; ne: Daemon; nePort: number };

describe.skipIf(missing.length > 0)(
  `fleet: watchdog -> node_exporter -> Prometheus -> 2 Alertmanagers${missing.length ? " (skipped)" : ""}`,
  () => {
    let dir: string;
    let hosts: Host[] = [];
    let prom: Daemon | undefined;
    const ams: Daemon[] = [];
    const amUrls: string[] = [];
    let promUrl: string;
    let hook: Receiver;
    let service2: { port: number; close(): Promise<void> } | undefined;
    let service: { port: number; close(): Promise<void> };
    let looping = true;
    let loops: Promise<void>[] = [];

    /** run is one cron run of a host's watchdog. */
    const run = async (h: Host) => {
      const r = await startCli(["--config", h.config, "check"], { timeoutMs: 60_000 }).done;
      if (r.code !== 0) throw new Error(`watchdog check on ${h.name} exited ${r.code}: ${r.stderr}`);
    };

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-fleet-"));
      hook = await startReceiver();
      service = await startTcp();
      service2 = await startTcp();
      for (const name of ["host-1", "host-2", "host-3"]) {
        const hdir = path.join(dir, name);
        fs.mkdirSync(path.join(hdir, "textfile"), { recursive: true });
        const port = name === "host-2" ? service2.port : service.port;
        const config = path.join(hdir, "watchdog.yaml");
        fs.writeFileSync(
          config,
          `host: ${name}\nstate_file: ${path.join(hdir, "state.json")}\nmetrics:\n` +
            `  textfile: ${path.join(hdir, "textfile", "watchdog.prom")}\n` +
            `channels: {}\nescalation:\n  - after: 1\nchecks:\n  - name: tts-port\n    type: tcp\n` +
            `    port: ${port}\n    timeout: 1s\n`,
        );
        const nePort = await freePort();
        const ne = startDaemon(NE!, [
          "--collector.disable-defaults",
          "--collector.textfile",
          `--collector.textfile.directory=${path.join(hdir, "textfile")}`,
          `--web.listen-address=127.0.0.1:${nePort}`,
        ]);
        hosts.push({ name, dir: hdir, config, ne, nePort });
      }
      // Two Alertmanagers gossiping on loopback: each is the other's peer.
      const amPorts = [await freePort(), await freePort()];
      const clusterPorts = [await freePort(), await freePort()];
      fs.writeFileSync(
        path.join(dir, "alertmanager.yml"),
        `route:\n  receiver: hook\n  group_by: [alertname, host, check]\n  group_wait: 1s\n  group_interval: 1s\n` +
          `  repeat_interval: 1h\n` +
          `receivers:\n  - name: hook\n    webhook_configs:\n      - url: ${hook.url}/hook\n` +
          `        send_resolved: true\n`,
      );
      for (let i = 0; i < 2; i++) {
        amUrls.push(`http://127.0.0.1:${amPorts[i]}`);
        ams.push(
          startDaemon(AM!, [
            `--config.file=${path.join(dir, "alertmanager.yml")}`,
            `--storage.path=${path.join(dir, `am${i}`)}`,
            `--web.listen-address=127.0.0.1:${amPorts[i]}`,
            `--cluster.listen-address=127.0.0.1:${clusterPorts[i]}`,
            `--cluster.advertise-address=127.0.0.1:${clusterPorts[i]}`,
            `--cluster.peer=127.0.0.1:${clusterPorts[1 - i]}`,
            "--cluster.peer-timeout=3s",
          ]),
        );
      }
      // The shipped rules, with the time windows shortened (the file itself is what users load).
      const shipped = fs.readFileSync(RULES, "utf8");
      const rules = shipped.replace(/> 600\b/g, `> ${STALE_S}`).replace(/for: \d+m\b/g, "for: 1s");
      expect(shipped.match(/> 600\b/g)?.length).toBe(2);
      fs.writeFileSync(path.join(dir, "watchdog.rules.yml"), rules);
      const promPort = await freePort();
      promUrl = `http://127.0.0.1:${promPort}`;
      const targets = hosts
        .map((h) => `      - targets: ['127.0.0.1:${h.nePort}']\n        labels: {host: ${h.name}}\n`)
        .join("");
      fs.writeFileSync(
        path.join(dir, "prometheus.yml"),
        `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n` +
          `rule_files: [${path.join(dir, "watchdog.rules.yml")}]\n` +
          `alerting:\n  alertmanagers:\n    - static_configs:\n` +
          `        - targets: [${amPorts.map((p) => `'127.0.0.1:${p}'`).join(", ")}]\n` +
          `scrape_configs:\n  - job_name: node\n    static_configs:\n${targets}`,
      );
      prom = startDaemon(PROM!, [
        `--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${path.join(dir, "tsdb")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ]);
      for (const h of hosts)
        await waitReady(`node_exporter of ${h.name}`, h.ne, `http://127.0.0.1:${h.nePort}/metrics`);
      for (let i = 0; i < 2; i++) await waitReady(`Alertmanager ${i}`, ams[i]!, `${amUrls[i]}/-/ready`);
      await waitReady("Prometheus", prom, `${promUrl}/-/ready`);
      // Host 3 runs once, then its cron is gone; hosts 1 and 2 keep running, one run after another (bounded). A pause
      // of 1.5 s keeps their files fresh (stale after STALE_S) and a change seen within seconds, at a third of the CPU
      // of 0.5 s: these runs go on for the whole file, beside the other test files' forks.
      await run(hosts[2]!);
      loops = hosts.slice(0, 2).map(async (h) => {
        for (let i = 0; i < 400 && looping; i++) {
          await run(h);
          await new Promise((r) => setTimeout(r, 1500));
        }
      });
    }, 180_000);

    afterAll(async () => {
      looping = false;
      await Promise.allSettled(loops);
      await prom?.stop();
      for (const am of ams) await am.stop();
      for (const h of hosts) await h.ne.stop();
      await hook?.close();
      await service?.close();
      await service2?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    const query = async (q: string) => {
      const r = JSON.parse((await get(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`)).body) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return r.data.result;
    };
    const notices = (alertname: string, host: string) =>
      (hook.bodies as Hook[]).flatMap((b) =>
        (b.alerts ?? []).filter((a) => a.labels.alertname === alertname && a.labels.host === host).map((a) => a.status),
      );

    it("Prometheus scrapes all three hosts, and the Alertmanagers form one cluster", async () => {
      await waitFor(
        "all three hosts in Prometheus",
        async () => ((await query("watchdog_check_status")).length === 3 ? true : undefined),
        60_000,
      );
      const hostsSeen = (await query("watchdog_last_run_timestamp_seconds")).map((r) => r.metric.host).sort();
      expect(hostsSeen).toEqual(["host-1", "host-2", "host-3"]);
      for (const url of amUrls) {
        await waitFor(
          `${url} to see its peer`,
          async () => {
            const s = JSON.parse((await get(`${url}/api/v2/status`)).body) as {
              cluster: { status: string; peers: unknown[] };
            };
            return s.cluster.peers.length === 2 ? true : undefined;
          },
          60_000,
        );
      }
      // An Alertmanager sends nothing until its gossip settles; a notification sent before the peer's one is known
      // could be repeated by the peer.
      for (const am of ams)
        await waitFor("gossip to settle", () => (am.output().includes("gossip settled") ? true : undefined), 90_000);
    }, 120_000);

    it("a check failing on host 2 reaches the receiver once (both Alertmanagers got it) and resolves", async () => {
      const port = service2!.port;
      await service2!.close();
      service2 = undefined;
      await waitFor(
        "the firing WatchdogCheckCritical of host-2",
        () => (notices("WatchdogCheckCritical", "host-2").includes("firing") ? true : undefined),
        120_000,
      );
      // Both Alertmanagers hold the alert: the one notification is the cluster's deduplication, not a lost copy.
      for (const url of amUrls) {
        await waitFor(
          `${url} to hold the alert`,
          async () => {
            const list = JSON.parse(
              (await get(`${url}/api/v2/alerts?filter=${encodeURIComponent('alertname="WatchdogCheckCritical"')}`))
                .body,
            ) as unknown[];
            return list.length > 0 ? true : undefined;
          },
          30_000,
        );
      }
      // Still down past the second Alertmanager's peer timeout (3s), as a real outage would be: then it comes back.
      // (An outage shorter than the peer timeout can reach the receiver twice: that is Alertmanager's HA design.)
      await new Promise((r) => setTimeout(r, 8000));
      service2 = await startTcp(port);
      // Up to the first resolved notice: one firing notice, though both Alertmanagers held the alert through many 1s
      // group intervals (the second one waits its peer timeout, sees the first one's send in the gossiped log, skips).
      const atResolve = await waitFor(
        "the resolved WatchdogCheckCritical of host-2",
        () => {
          const n = notices("WatchdogCheckCritical", "host-2");
          return n.includes("resolved") ? n.slice(0, n.indexOf("resolved") + 1) : undefined;
        },
        120_000,
      );
      expect(atResolve).toEqual(["firing", "resolved"]);
      expect(notices("WatchdogCheckCritical", "host-1")).toEqual([]);
      // Not asserted: a group flush the second Alertmanager began just before the resolve can still send a stale
      // firing after the first one's resolved notice (Alertmanager's HA race, as wide as its peer timeout).
    }, 300_000);

    it("host 3's watchdog stopped (cron gone): the dead man's switch fires into the receiver", async () => {
      await waitFor(
        "WatchdogNotRunning for host-3",
        () => (notices("WatchdogNotRunning", "host-3").includes("firing") ? true : undefined),
        180_000,
      );
      await waitFor(
        "WatchdogTextfileStale for host-3",
        () => (notices("WatchdogTextfileStale", "host-3").includes("firing") ? true : undefined),
        60_000,
      );
      // The hosts whose cron still runs are not reported.
      expect(notices("WatchdogNotRunning", "host-1")).toEqual([]);
      expect(notices("WatchdogNotRunning", "host-2")).toEqual([]);
    }, 300_000);
  },
);
