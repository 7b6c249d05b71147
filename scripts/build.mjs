// Bundles the CLI into dist/watchdog.cjs. Heavy libraries used only by some runs (SMTP, system info, the Aliyun SDK,
// scslre for `validate`, and zod, yaml and re2js, which only validating a config or a state file or matching new log
// lines needs) go into dist/lazy/*.cjs and are required on first use, so a healthy run never parses them.
// With --single, everything goes into one file (for the single executable, which cannot require files beside it).
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { LAZY_LIBRARIES, lazyLibraries, libraryEntry } from "./lazy-libraries.mjs";
import { builtinModules, lazyBuiltins, lazyDependencies } from "./lazy-modules.mjs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const single = process.argv.includes("--single");
// The build's identity (src/core/build-id.ts): what one build validated or wrote, only the same build trusts again.
const buildId = (() => {
  const hash = createHash("sha256");
  const files = ["package-lock.json", ...readdirSync("scripts").map((f) => `scripts/${f}`)];
  files.push(...readdirSync("src", { recursive: true }).map((f) => `src/${f}`).filter((f) => /\.(ts|yaml)$/.test(f)));
  for (const f of files.sort()) hash.update(`${f}\0`).update(readFileSync(f)).update("\0");
  return hash.digest("hex").slice(0, 16);
})();
const v8Flags = readFileSync(new URL("./v8-flags.cjs", import.meta.url), "utf8");
const LAZY = ["nodemailer", "systeminformation", "@alicloud/dysmsapi20170525", "@alicloud/openapi-core", "@alicloud/openapi-client", "@darabonba/typescript", "scslre"];
const lazyFile = (name) => `lazy/${name.replace(/[@/]/g, (c) => (c === "@" ? "" : "-"))}.cjs`;

// Dynamic import() becomes require(), so the bundle also runs through vm.Script in the code-cache loader.
const common = { bundle: true, platform: "node", target: "node20", format: "cjs", minify: true, legalComments: "none", logLevel: "warning", supported: { "dynamic-import": false } };

// `import text from "../x.yaml?raw"` embeds a file's text (config.example.yaml, systemd units): the single
// executable cannot read files beside it. Vite (the tests) understands the same suffix.
const rawPlugin = {
  name: "raw",
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: new URL(args.path.slice(0, -4), `file://${args.resolveDir}/`).pathname, namespace: "raw" }));
    b.onLoad({ filter: /.*/, namespace: "raw" }, (args) => ({ contents: readFileSync(args.path, "utf8"), loader: "text" }));
  },
};

const lazyPlugin = {
  name: "lazy",
  setup(b) {
    b.onResolve({ filter: /^[@a-z]/ }, (args) => {
      if (args.kind !== "dynamic-import" || !LAZY.includes(args.path)) return undefined;
      return { path: `./${lazyFile(args.path)}`, external: true };
    });
  },
};

// The single executable cannot require files beside it: there each lazy library is an asset of the executable
// (scripts/build-binary.mjs), compiled on first use as its file would be. Inlined instead, they made its script
// 2.3 MB instead of 0.6 MB, and its start 1.24x the memory of dist/watchdog.cjs.
const seaLazyPlugin = {
  name: "sea-lazy",
  setup(b) {
    b.onResolve({ filter: /^[@a-z]/ }, (args) => (args.kind === "dynamic-import" && LAZY.includes(args.path) ? { path: args.path, namespace: "sea-lazy" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "sea-lazy" }, (args) => ({
      loader: "js",
      contents: [
        `const name = ${JSON.stringify(lazyFile(args.path))};`,
        'const Module = require("node:module");',
        "const m = new Module(name);",
        "m.filename = name;",
        'm._compile(require("node:sea").getAsset(name, "utf8"), name);',
        "module.exports = m.exports;",
      ].join("\n"),
    }));
  },
};

// zod and yaml (scripts/lazy-libraries.mjs): their stand-ins require the file beside the bundle, or the asset.
const realLibrary = (name) =>
  single ? { path: name, namespace: "sea-lazy" } : { path: `./${lazyFile(name)}`, external: true };

// zod bundles messages in 40+ languages; watchdog's config errors are English, so keep only `en`.
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export { default as en } from "./en.js";', loader: "js" }));
  },
};

// Libraries a run may never call: string-width builds an Intl.Segmenter as it loads, which starts ICU (about 20 ms
// of CPU), and picomatch (silence patterns, log path globs) builds its tables, in every run. Both are only called
// as their default export, so our imports of them get a stand-in function that requires the library (bundled,
// evaluated then) on the first call.
const lazyCalls = {
  name: "lazy-calls",
  setup(b) {
    b.onResolve({ filter: /^(string-width|picomatch\/posix\.js)$/ }, (args) =>
      args.namespace === "lazy-sync" ? undefined : { path: args.path, namespace: "lazy-sync" },
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-sync" }, (args) => ({
      contents: `let f;\nmodule.exports = (...a) => (f ??= ((m) => m.default ?? m)(require(${JSON.stringify(args.path)})))(...a);`,
      loader: "js",
      resolveDir: process.cwd(),
    }));
  },
};

/**
 * asciiOnly escapes what esbuild leaves as UTF-8 (Chinese in regular expression literals): one such character makes
 * V8 hold the whole 0.6 MB source as UTF-16, twice the memory. \uXXXX means the same in a regular expression, a
 * string, a template or an identifier; the check below refuses to write a bundle where that could not hold.
 */
function asciiOnly(file) {
  const text = readFileSync(file, "utf8");
  // Only inside a String.raw template would \uXXXX stay six characters (ansi-regex, under string-width, has ASCII
  // ones). A template whose end the pattern cannot see (a nested template in a ${}) counts as non-ASCII.
  for (const [raw, body] of text.matchAll(/String\.raw`((?:[^`\\]|\\.)*)`?/gs)) {
    if (/[^\x00-\x7f]/.test(body) || !raw.endsWith("`") || /\$\{[^}]*$/.test(body)) {
      throw new Error(`${file}: String.raw with non-ASCII text: cannot escape it safely`);
    }
  }
  writeFileSync(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

if (!single) rmSync("dist", { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ["src/cli/index.ts"],
  outfile: single ? "dist/watchdog-single.cjs" : "dist/watchdog-main.cjs",
  // The directive comes first: after the flags' statement it would not make the bundle strict.
  banner: single ? { js: `#!/usr/bin/env node\n"use strict";\n${v8Flags}` } : {},
  define: { WATCHDOG_VERSION: JSON.stringify(pkg.version), WATCHDOG_BUILD: JSON.stringify(buildId) },
  plugins: [
    lazyCalls,
    single ? seaLazyPlugin : lazyPlugin,
    lazyLibraries(realLibrary),
    lazyBuiltins,
    builtinModules,
    lazyDependencies,
    rawPlugin,
  ],
});
asciiOnly(single ? "dist/watchdog-single.cjs" : "dist/watchdog-main.cjs");
if (!single) {
  // Written as the function the loader calls, so that it compiles the file's text as is: wrapping it at run time
  // (Module.wrap) made a second 0.6 MB copy of the source.
  const text = readFileSync("dist/watchdog-main.cjs", "utf8");
  writeFileSync("dist/watchdog-main.cjs", `(function (exports, require, module, __filename, __dirname) {${text}\n})`);
}
if (!single) {
  // dist/watchdog.cjs is the small entry that runs dist/watchdog-main.cjs through V8's code cache.
  const loader = readFileSync(new URL("./loader.cjs", import.meta.url), "utf8").replace(/^"use strict";\n/, "");
  writeFileSync("dist/watchdog.cjs", `#!/usr/bin/env node\n"use strict";\n${v8Flags}${loader}`);
  chmodSync("dist/watchdog.cjs", 0o755);
}
{
  const present = LAZY.filter((name) => {
    try {
      readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url));
      return true;
    } catch {
      return false;
    }
  });
  // The single executable's copies go to dist/sea/: rewriting dist/lazy/ while dist/watchdog.cjs runs could hand a
  // run half a file.
  const out = single ? "dist/sea" : "dist";
  await Promise.all(present.map((name) => build({ ...common, stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: "." }, outfile: `${out}/${lazyFile(name)}` })));
  const library = (name) => ({
    ...common,
    stdin: { contents: libraryEntry[name], resolveDir: "." },
    outfile: `${out}/${lazyFile(name)}`,
    plugins: [zodEnglishOnly],
  });
  await Promise.all(LAZY_LIBRARIES.map((name) => build(library(name))));
  for (const name of LAZY_LIBRARIES) asciiOnly(`${out}/${lazyFile(name)}`);
}
