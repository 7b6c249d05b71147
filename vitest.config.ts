import { defineConfig } from "vitest/config";

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
    pool: "forks",
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
  },
});
