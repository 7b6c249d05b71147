"use strict";
// watchdog's entry: runs the bundle (watchdog-main.cjs beside this file) through V8's code cache, so a cron run
// does not compile half a megabyte of JavaScript every two minutes. The cache lives in .cache/ beside the bundle,
// one file per command and bundle build; it is only used when owned by this user and not writable by others
// (cached bytecode is code). Without a usable cache it simply compiles as usual.
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const Module = require("module");

const file = path.join(__dirname, "watchdog-main.cjs");
const command = (process.argv.slice(2).find((a) => /^[a-z][a-z-]*$/.test(a)) || "none").slice(0, 20);
const cacheDir = path.join(__dirname, ".cache");

/**
 * cachedScript compiles SOURCE (the text of FILE) with the code cache named by PREFIX (a command, or `_lazy.NAME`
 * for a file of dist/lazy/, which no command name can start with), and writes the cache at exit when there was none
 * or V8 rejected it.
 */
function cachedScript(file, source, prefix) {
  const stat = fs.statSync(file);
  const cacheFile = path.join(cacheDir, `${prefix}-${stat.size}-${Math.floor(stat.mtimeMs)}-${process.version}.v8`);
  let cached;
  try {
    const st = fs.statSync(cacheFile);
    const uid = typeof process.getuid === "function" ? process.getuid() : st.uid;
    if (st.uid === uid && (st.mode & 0o022) === 0) cached = fs.readFileSync(cacheFile);
  } catch {
    // No cache yet.
  }
  const script = new vm.Script(source, { filename: file, cachedData: cached });
  if (cached === undefined || script.cachedDataRejected) {
    // Written at exit, when the functions this command needed have been compiled too.
    process.once("exit", () => {
      try {
        fs.mkdirSync(cacheDir, { recursive: true, mode: 0o755 });
        for (const old of fs.readdirSync(cacheDir)) {
          if (old.startsWith(`${prefix}-`)) fs.rmSync(path.join(cacheDir, old), { force: true });
        }
        const tmp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o644 });
        fs.renameSync(tmp, cacheFile);
      } catch {
        // Read-only install: run without a cache.
      }
    });
  }
  return script;
}

// The libraries of dist/lazy/ (zod, yaml, nodemailer...) are required by the bundle on first use, through the usual
// require (so Module._cache and --require hooks see them); this compiles them through the code cache too: zod alone
// took 40 ms to compile and load without it.
const lazyDir = path.join(__dirname, "lazy");
// Node 20 has no handler of its own for .cjs (it uses .js's); one registered here applies to those files only.
const loadCjs = Module._extensions[".cjs"] || Module._extensions[".js"];
Module._extensions[".cjs"] = function (m, filename) {
  if (path.dirname(filename) !== lazyDir) return loadCjs.call(this, m, filename);
  const source = Module.wrap(fs.readFileSync(filename, "utf8"));
  const run = cachedScript(filename, source, `_lazy.${path.basename(filename, ".cjs")}`).runInThisContext();
  const req = (id) => m.require(id);
  req.resolve = (request) => Module._resolveFilename(request, m);
  req.cache = Module._cache;
  run.call(m.exports, m.exports, req, m, filename, lazyDir);
};

// The bundle is already wrapped as a CommonJS module function (scripts/build.mjs): no Module.wrap copy of it.
const script = cachedScript(file, fs.readFileSync(file, "utf8"), command);
const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(__dirname);
const localRequire = (id) => mod.require(id);
localRequire.resolve = (request) => Module._resolveFilename(request, mod);
localRequire.main = process.mainModule;
localRequire.cache = Module._cache;
script.runInThisContext()(mod.exports, localRequire, mod, file, __dirname);
