import { spawnSync } from "node:child_process";
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

const runCli = (args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}) =>
  startCli(args, opts).done;

// The real Alertmanager from Debian's prometheus-alertmanager package (0.25 in bookworm), on 127.0.0.1.
const AMTOOL = findBinary("amtool", "/usr/bin/amtool");
const AM = findBinary("prometheus-alertmanager", "alertmanager", "/usr/bin/prometheus-alertmanager");
if (!AM)
  console.warn(
    "test/system/alertmanager: SKIPPED: no prometheus-alertmanager binary (apt-get install prometheus-alertmanager)",
  );

type Gettable = {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
};
type Hook = { status: string; alerts: { status: string; labels: Record<string, string> }[] };

describe.skipIf(!AM)(
  `watchdog -> real Alertmanager${AM ? "" : " (skipped: prometheus-alertmanager not installed)"}`,
  () => {
    let dir: string;
    let am: Daemon;
    let amUrl: string;
    let hook: Receiver;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-am-"));
      hook = await startReceiver();
      const port = await freePort();
      amUrl = `http://127.0.0.1:${port}`;
      // group_wait 0 and group_interval 1s: the receiver hears of a change within about a second.
      fs.writeFileSync(
        path.join(dir, "alertmanager.yml"),
        `route:\n  receiver: hook\n  group_by: [alertname, instance]\n  group_wait: 0s\n  group_interval: 1s\n` +
          `  repeat_interval: 1h\nreceivers:\n  - name: hook\n    webhook_configs:\n      - url: ${hook.url}/hook\n` +
          `        send_resolved: true\n`,
      );
      am = startDaemon(AM!, [
        `--config.file=${path.join(dir, "alertmanager.yml")}`,
        `--storage.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--cluster.listen-address=",
      ]);
      await waitReady("Alertmanager to be ready", am, `${amUrl}/-/ready`);
    }, 120_000);

    afterAll(async () => {
      await am?.stop();
      await hook?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const alertsOf = async (check: string): Promise<Gettable[]> => {
      const r = await get(`${amUrl}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${check}"`)}`);
      expect(r.status).toBe(200);
      return JSON.parse(r.body) as Gettable[];
    };
    const hooksFor = (check: string) =>
      (hook.bodies as Hook[]).filter((b) => b.alerts?.some((a) => a.labels.alertname === check));

    it(
      "fires an incident, keeps it alive while open, " + "resolves it on recovery (HA list with one member down)",
      async () => {
        const servicePort = await freePort();
        const deadAm = await freePort();
        const config = path.join(dir, "watchdog.yaml");
        fs.writeFileSync(
          config,
          `host: gpu-box-01
state_file: ${path.join(dir, "state.json")}
channels:
  am:
    type: alertmanager
    urls: [${amUrl}, http://127.0.0.1:${deadAm}]
    timeout: 3s
escalation:
  - after: 1
    notify: [am]
checks:
  - name: cosyvoice-port
    type: tcp
    port: ${servicePort}
    timeout: 1s
    labels: {team: speech}
    runbook: journalctl -u cosyvoice -n 50
`,
        );
        const check = () => runCli(["--config", config, "check", "--json"], { timeoutMs: 100_000 });

        // Run 1: the service is down: the step fires.
        const r1 = await check();
        expect(r1.code, r1.stderr).toBe(0);
        const [firing] = await alertsOf("cosyvoice-port");
        expect(firing).toBeDefined();
        expect(firing!.labels).toMatchObject({
          alertname: "cosyvoice-port",
          instance: "gpu-box-01",
          severity: "critical",
          team: "speech",
        });
        expect(firing!.annotations.runbook).toBe("journalctl -u cosyvoice -n 50");
        expect(firing!.annotations.summary).toContain(String(servicePort));
        expect(firing!.status.state).toBe("active");
        const firedHook = await waitFor("the webhook receiver to hear of the firing alert", () =>
          hooksFor("cosyvoice-port").find((b) => b.status === "firing"),
        );
        expect(firedHook.alerts[0]!.labels.severity).toBe("critical");

        // Run 2: still down: no ladder step, but the open incident is re-sent so Alertmanager keeps it (endsAt moves
        // on).
        await new Promise((r) => setTimeout(r, 1100));
        const r2 = await check();
        expect(r2.code, r2.stderr).toBe(0);
        const deliveries = (JSON.parse(r2.stdout) as { deliveries: { channel: string; ok: boolean }[] }).deliveries;
        expect(deliveries).toEqual([expect.objectContaining({ channel: "am", ok: true })]);
        const [refreshed] = await alertsOf("cosyvoice-port");
        expect(Date.parse(refreshed!.endsAt)).toBeGreaterThan(Date.parse(firing!.endsAt));
        expect(refreshed!.startsAt).toBe(firing!.startsAt);

        // Run 3: the service is back: the recovery sets endsAt, Alertmanager drops it from the active list and tells
        // the receiver.
        const service = await startTcp(servicePort);
        try {
          const r3 = await check();
          expect(r3.code, r3.stderr).toBe(0);
          expect(await alertsOf("cosyvoice-port")).toEqual([]);
          const resolvedHook = await waitFor(
            "the webhook receiver to hear of the resolution",
            () => hooksFor("cosyvoice-port").find((b) => b.status === "resolved"),
            60_000,
          );
          expect(resolvedHook.alerts.find((a) => a.labels.severity === "critical")?.status).toBe("resolved");
          // Nothing is left waiting: the dead HA member did not keep a copy in the outbox.
          const state = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")) as { outbox: unknown[] };
          expect(state.outbox).toEqual([]);
        } finally {
          await service.close();
        }
      },
      180_000,
    );

    it("keeps the alert in the outbox while every Alertmanager is down, and delivers it when one is back", async () => {
      const servicePort = await freePort();
      const config = path.join(dir, "watchdog-down.yaml");
      const state = path.join(dir, "state-down.json");
      const deadAm = await freePort();
      fs.writeFileSync(
        config,
        `state_file: ${state}\nchannels:\n  am:\n    type: alertmanager\n    urls: [http://127.0.0.1:${deadAm}]\n` +
          `    timeout: 2s\nescalation:\n  - after: 1\n    notify: [am]\nchecks:\n  - name: outbox-check\n` +
          `    type: tcp\n    port: ${servicePort}\n    timeout: 1s\n`,
      );
      const r1 = await runCli(["--config", config, "check"], { timeoutMs: 100_000 });
      expect(r1.code, r1.stderr).toBe(0);
      const saved = JSON.parse(fs.readFileSync(state, "utf8")) as { outbox: { message: { channel: string } }[] };
      expect(saved.outbox.map((e) => e.message.channel)).toEqual(["am"]);
      expect(await alertsOf("outbox-check")).toEqual([]);

      // The cluster is back (the config now names the live one) and the outbox's backoff (1 min) has passed.
      fs.writeFileSync(config, fs.readFileSync(config, "utf8").replace(`http://127.0.0.1:${deadAm}`, amUrl));
      const r2 = await runCli(["--config", config, "check"], {
        timeoutMs: 100_000,
        env: { WATCHDOG_TEST_NOW: String(Date.now() + 90_000) },
      });
      expect(r2.code, r2.stderr).toBe(0);
      const [alert] = await alertsOf("outbox-check");
      expect(alert?.status.state).toBe("active");
      expect((JSON.parse(fs.readFileSync(state, "utf8")) as { outbox: unknown[] }).outbox).toEqual([]);
    }, 120_000);

    it("test-notify fires a real alert that Alertmanager accepts and routes", async () => {
      const config = path.join(dir, "watchdog-test-notify.yaml");
      fs.writeFileSync(
        config,
        `host: gpu-box-02\nstate_file: ${path.join(dir, "state-tn.json")}\nchannels:\n` +
          `  am: {type: alertmanager, urls: [${amUrl}]}\nchecks: []\n`,
      );
      const r = await runCli(["--config", config, "test-notify", "am", "--message", "hello from watchdog"], {
        timeoutMs: 100_000,
      });
      expect(r.code, r.stderr).toBe(0);
      const [alert] = await alertsOf("test-notify");
      expect(alert?.labels).toMatchObject({ alertname: "test-notify", instance: "gpu-box-02" });
      expect(alert?.annotations.summary).toBe("hello from watchdog");
      expect(Date.parse(alert!.endsAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
      await waitFor("the receiver to get the test alert", () =>
        hooksFor("test-notify").find((b) => b.status === "firing"),
      );
    }, 120_000);

    it.skipIf(!AMTOOL)("the sample alertmanager.yml route in docs/fleet.md passes amtool check-config", () => {
      const readme = fs.readFileSync(path.resolve(__dirname, "../../docs/fleet.md"), "utf8");
      const sample = /A route for watchdog's alerts[^\n]*\n+```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
      expect(sample, 'docs/fleet.md: the sample route after "A route for watchdog\'s alerts"').toBeDefined();
      const file = path.join(dir, "readme-alertmanager.yml");
      fs.writeFileSync(file, sample!);
      const r = spawnSync(AMTOOL!, ["check-config", file], { encoding: "utf8" });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    });
  },
);
