// Bundles the CLI into dist/watchdog-main.cjs, with its source map beside it (read only for a --debug stack trace),
// and writes dist/watchdog.cjs, the entry that runs it through V8's code cache (scripts/loader.cjs). Heavy libraries
// only some runs use (SMTP, system info, the Aliyun SDK, scslre for `validate`) go into dist/lazy/*.cjs, required by
// their `await import()` when a run needs them.
// With --single, one bundle for the single executable, which cannot read files beside it: the heavy libraries
// become assets of the executable (scripts/build-binary.mjs).
import { build } from "esbuild";
import { chmodSync, copyFileSync, readFileSync, rmSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const single = process.argv.includes("--single");
const LAZY = [
  "nodemailer",
  "systeminformation",
  "@alicloud/dysmsapi20170525",
  "@alicloud/openapi-core",
  "@alicloud/openapi-client",
  "@darabonba/typescript",
  "scslre",
];
const lazyFile = (name) => `lazy/${name.replace(/[@/]/g, (c) => (c === "@" ? "" : "-"))}.cjs`;

// An import() the bundle keeps becomes require(): Node then need not start its ES module loader for it.
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  supported: { "dynamic-import": false },
};

// `import text from "../x.yaml?raw"` embeds a file's text (config.example.yaml, systemd units): the single
// executable cannot read files beside it. Vite (the tests) understands the same suffix.
const rawPlugin = {
  name: "raw",
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: new URL(args.path.slice(0, -4), `file://${args.resolveDir}/`).pathname,
      namespace: "raw",
    }));
    b.onLoad({ filter: /.*/, namespace: "raw" }, (args) => ({
      contents: readFileSync(args.path, "utf8"),
      loader: "text",
    }));
  },
};

// A heavy library's `await import("nodemailer")` loads dist/lazy/nodemailer.cjs, so a run that never sends mail
// never reads it.
const lazyPlugin = {
  name: "lazy",
  setup(b) {
    b.onResolve({ filter: /^[@a-z]/ }, (args) => {
      if (args.kind !== "dynamic-import" || !LAZY.includes(args.path)) return undefined;
      return { path: `./${lazyFile(args.path)}`, external: true };
    });
  },
};

// The single executable cannot read files beside it: there each heavy library is an asset of the executable
// (scripts/build-binary.mjs), compiled when a run first needs it, as its file would be. Inlined, they made its script
// four times the size, and a healthy run's memory and time with it.
const seaLazyPlugin = {
  name: "sea-lazy",
  setup(b) {
    b.onResolve({ filter: /^[@a-z]/ }, (args) =>
      args.kind === "dynamic-import" && LAZY.includes(args.path)
        ? { path: args.path, namespace: "sea-lazy" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "sea-lazy" }, (args) => ({
      loader: "js",
      contents: [
        `const name = ${JSON.stringify(lazyFile(args.path))};`,
        'const text = require("node:sea").getAsset(name, "utf8");',
        "const wrapped = `(function (exports, require, module, __filename, __dirname) {${text}\n})`;",
        "const m = { exports: {} };",
        'const run = new (require("node:vm").Script)(wrapped, { filename: name }).runInThisContext();',
        'run(m.exports, require, m, name, ".");',
        "module.exports = m.exports;",
      ].join("\n"),
    }));
  },
};

// zod bundles messages in 40+ languages; watchdog's config errors are English, so keep only `en`.
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: "js",
    }));
  },
};

if (!single) rmSync("dist", { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ["src/cli/index.ts"],
  outfile: single ? "dist/watchdog-single.cjs" : "dist/watchdog-main.cjs",
  sourcemap: !single,
  // The loader compiles the bundle as the function Node would wrap a CommonJS module in (the source map counts the
  // wrapper's line).
  banner: { js: single ? "#!/usr/bin/env node" : "(function (exports, require, module, __filename, __dirname) {" },
  footer: single ? {} : { js: "})" },
  define: { WATCHDOG_VERSION: JSON.stringify(pkg.version) },
  plugins: [single ? seaLazyPlugin : lazyPlugin, zodEnglishOnly, rawPlugin],
});
// One non-ASCII character (a regex literal keeps its characters; esbuild escapes only strings) makes V8 hold the
// whole bundle as a two-byte string: twice the memory, every run. Such a pattern is written with escapes instead.
const bundle = readFileSync(single ? "dist/watchdog-single.cjs" : "dist/watchdog-main.cjs", "utf8");
const wide = /[^\x00-\x7f]/.exec(bundle);
if (wide) throw new Error(`the bundle is not ASCII: ${JSON.stringify(bundle.slice(wide.index - 40, wide.index + 10))}`);
if (!single) {
  copyFileSync("scripts/loader.cjs", "dist/watchdog.cjs");
  chmodSync("dist/watchdog.cjs", 0o755);
}
const present = LAZY.filter((name) => {
  try {
    readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url));
    return true;
  } catch {
    return false;
  }
});
// The single executable's copies go to dist/sea/: rewriting dist/lazy/ while dist/watchdog.cjs runs could hand a run
// half a file.
const out = single ? "dist/sea" : "dist";
const entry = (name) => ({ contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: "." });
await Promise.all(present.map((name) => build({ ...common, stdin: entry(name), outfile: `${out}/${lazyFile(name)}` })));
