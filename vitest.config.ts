import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Seconds each long file took in an idle `npm test` on 2 cores (the slowest of .ci/run's list). Only their order
// matters: the longest start first, so that no long file starts last and runs on alone while the other forks idle.
// A file missing here is placed by the time vitest's cache recorded for it, else after these by size (vitest's way).
const EXPECTED_S: Record<string, number> = {
  "test/reliability/kill9.test.ts": 87,
  "test/exporters/status-page-browser.test.ts": 40,
  "test/reliability/secret-leak.test.ts": 37,
  "test/reliability/config-fuzz.test.ts": 36,
  "test/system/fleet.test.ts": 35,
  "test/cli/operating.test.ts": 34,
  "test/e2e/restart-services.test.ts": 29,
  "test/reliability/dead-channels.test.ts": 27,
  "test/system/node-exporter.test.ts": 26,
  "test/cli/output.test.ts": 26,
  "test/reliability/root-files.test.ts": 25,
  "test/probes/log/log.test.ts": 22,
  "test/e2e/cli.test.ts": 22,
  "test/state/state-schema.test.ts": 19,
  "test/e2e/binary.test.ts": 14,
  "test/system/alertmanager.test.ts": 13,
  "test/notify/e2e-delivery.test.ts": 12,
  "test/cli/pipe-drain.test.ts": 11,
  "test/probes/log/log-prefilter.test.ts": 10,
};

/**
 * LongestFirst starts the longest files first. On a fresh clone (CI: `npm ci` wipes vitest's cache of durations)
 * vitest orders files by size alone, and kill9 (87 s, a small file) used to start late and finish last.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const bySize = await super.sort(files);
    const root = this.ctx.config.root;
    const ms = (f: TestSpecification): number => {
      const rel = path.relative(root, f.moduleId).split(path.sep).join("/");
      const cached = this.ctx.cache.getFileTestResults(`${f.project.name}:${rel}`)?.duration;
      return cached ?? (EXPECTED_S[rel] ?? 0) * 1000;
    };
    const order = new Map(bySize.map((f, i) => [f, i]));
    return [...bySize].sort((a, b) => ms(b) - ms(a) || order.get(a)! - order.get(b)!);
  }
}

// Limits are for a machine ten times slower than an idle laptop (a CI box compiling something else): a test that only
// fails when the CPUs are busy is a broken test, not a slow machine. Tests assert behaviour, never speed.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    // Three forks on two cores: most test time is spent waiting on child processes and servers, not computing.
    // Not isolated: each fork runs file after file, so the CPU-second a fresh fork spends starting vitest and importing
    // and transforming the same modules is spent once per fork, not once per file (79 files). No test mocks a module
    // or changes process-wide state another file reads. min = max: fewer kept forks, with isolate off, makes tinypool
    // end a fork that is still in use ("Terminating worker thread").
    pool: "forks",
    isolate: false,
    poolOptions: { forks: { maxForks: 3, minForks: 3 } },
    sequence: { sequencer: LongestFirst },
  },
});
