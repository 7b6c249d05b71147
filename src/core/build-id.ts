declare const WATCHDOG_BUILD: string;

/**
 * BUILD_ID names the code that is running: a hash of the sources, the build scripts and package-lock.json, set by
 * scripts/build.mjs ("dev" when the sources run unbundled, as in the tests). What this code validated and wrote
 * (the config cache, the state file's seal) is trusted again only by the same build: another build may read the
 * same text differently.
 */
export const BUILD_ID = typeof WATCHDOG_BUILD === "string" ? WATCHDOG_BUILD : "dev";
