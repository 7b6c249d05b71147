#!/usr/bin/env node
"use strict";
// watchdog's entry: runs the bundle (watchdog-main.cjs beside this file) through V8's code cache, so that a cron run
// does not compile the bundle every two minutes. One cache per command and bundle, in .cache/ beside the bundle,
// written at the end of a run (with the functions that run compiled); it is used only when this user owns it and
// no one else can write it (cached bytecode is code). Without one, the bundle is simply compiled.
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const { createRequire } = require("module");

const file = path.join(__dirname, "watchdog-main.cjs");
const source = fs.readFileSync(file, "utf8");
const stat = fs.statSync(file);
const command = (process.argv.slice(2).find((a) => /^[a-z][a-z-]*$/.test(a)) || "none").slice(0, 20);
const cacheDir = path.join(__dirname, ".cache");
const prefix = `${command}-`;
const cacheFile = path.join(cacheDir, `${prefix}${stat.size}-${Math.floor(stat.mtimeMs)}-${process.version}.v8`);
let cached;
try {
  const st = fs.statSync(cacheFile);
  const uid = typeof process.getuid === "function" ? process.getuid() : st.uid;
  if (st.uid === uid && (st.mode & 0o022) === 0) cached = fs.readFileSync(cacheFile);
} catch {
  // No cache yet.
}
// The bundle is written as the function a CommonJS module is (scripts/build.mjs): compiled as it is, no copy.
const script = new vm.Script(source, { filename: file, cachedData: cached });
const rejected = cached === undefined || script.cachedDataRejected;
// Compiled: the cache's bytes (a megabyte or so, outside the heap) can go before the run needs memory of its own.
cached = undefined;
if (rejected) {
  process.once("exit", () => {
    try {
      fs.mkdirSync(cacheDir, { recursive: true, mode: 0o755 });
      for (const old of fs.readdirSync(cacheDir)) {
        if (old.startsWith(prefix)) fs.rmSync(path.join(cacheDir, old), { force: true });
      }
      const tmp = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o644 });
      fs.renameSync(tmp, cacheFile);
    } catch {
      // A read-only install runs without a cache.
    }
  });
}
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(file), mod, file, __dirname);
