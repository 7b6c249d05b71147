// V8 settings for a run from cron, which lives well under a second: the young generation stays at 1 MB (growing it
// to 16 MB bought nothing but 6 MB of peak memory) and no baseline (Sparkplug) code is made for it (1 MB more, no
// measurable CPU). The daemon lives long and keeps V8's defaults. Shared by dist/watchdog.cjs and the single
// executable (scripts/build.mjs puts it first in both).
if (!process.argv.slice(2).includes("daemon")) {
  require("v8").setFlagsFromString("--semi-space-growth-factor=1 --no-sparkplug");
}
