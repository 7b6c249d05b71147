// Builds dist/watchdog: one executable (a Node single executable application) that runs every command with no
// node_modules beside it. Steps: bundle everything into dist/watchdog-single.cjs (build.mjs --single), make the
// SEA blob (node --experimental-sea-config), copy this node binary and inject the blob with postject.
// https://nodejs.org/docs/latest-v20.x/api/single-executable-applications.html
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const run = (args) => execFileSync(process.execPath, args, { stdio: "inherit" });

run(["scripts/build.mjs", "--single"]);
// useCodeCache: the blob carries V8's compiled code for the bundle, so a start does not parse it. The heavy libraries
// a healthy run never uses (dist/sea/lazy/) are assets, compiled only when a run needs them.
const assets = Object.fromEntries(readdirSync("dist/sea/lazy").map((f) => [`lazy/${f}`, `dist/sea/lazy/${f}`]));
const seaConfig = {
  main: "dist/watchdog-single.cjs",
  output: "dist/watchdog.blob",
  disableExperimentalSEAWarning: true,
  useCodeCache: true,
  assets,
};
writeFileSync("dist/sea-config.json", JSON.stringify(seaConfig));
run(["--experimental-sea-config", "dist/sea-config.json"]);
rmSync("dist/watchdog", { force: true });
copyFileSync(process.execPath, "dist/watchdog.tmp");
const { inject } = await import("postject");
await inject("dist/watchdog.tmp", "NODE_SEA_BLOB", readFileSync("dist/watchdog.blob"), { sentinelFuse: FUSE });
// postject writes the executable in one write, which can leave it in the page cache as large folios, each mapped
// whole by every run of it; a copy, as an install makes, does not.
copyFileSync("dist/watchdog.tmp", "dist/watchdog");
chmodSync("dist/watchdog", 0o755);
rmSync("dist/watchdog.tmp", { force: true });
rmSync("dist/watchdog.blob", { force: true });
rmSync("dist/sea-config.json", { force: true });
console.log("built dist/watchdog");
