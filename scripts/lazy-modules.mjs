// esbuild plugins that keep modules a healthy cron run never uses from loading at start (scripts/build.mjs).
// Every Node built-in a run loads costs compile time and memory, and the bundle's top-level `require`s loaded them
// all: https (with tls), crypto, child_process (with dgram, net), zlib, fs/promises (with readline), worker_threads
// and assert (for pino's unused transport thread) and perf_hooks.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * exportNames lists the names a stand-in of module REAL can export: identifiers, `default` aside; with `dataOnly`,
 * only data properties (reading a getter such as fs.promises may load another module).
 */
export function exportNames(real, { dataOnly = false } = {}) {
  return Object.keys(real).filter((k) => {
    if (k === "default" || !/^[A-Za-z_$][\w$]*$/.test(k)) return false;
    return !dataOnly || "value" in Object.getOwnPropertyDescriptor(real, k);
  });
}

/**
 * Built-ins that become a stand-in object: the same export names, each a getter that requires the real module on
 * first use. The bundle reads them at call time (`(0, import_crypto.randomUUID)()`, `childProcess.spawn(...)`), so
 * the module loads only when a run calls into it. A module whose export is a function (assert) gets a function
 * stand-in that forwards calls. The names are those of the Node that builds; one a newer Node adds is `undefined`,
 * as it would be on an older Node.
 */
export const LAZY_BUILTINS = ["child_process", "crypto", "fs/promises", "https", "zlib", "worker_threads", "assert"];

export const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.map((n) => n.replace("/", "\\/")).join("|")})$`);
    b.onResolve({ filter }, (args) => {
      // The stand-in's own require of the real module is a plain external built-in.
      if (args.namespace === "lazy-builtin") return { path: args.path, external: true };
      return { path: args.path.replace(/^node:/, ""), namespace: "lazy-builtin" };
    });
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => {
      const real = require(args.path);
      const names = exportNames(real);
      const lines = [
        "let real;",
        `const load = () => real || (real = require(${JSON.stringify(`node:${args.path}`)}));`,
        typeof real === "function"
          ? "const out = function (...a) { return new.target ? new (load())(...a) : load().apply(this, a); };"
          : "const out = {};",
        `for (const k of ${JSON.stringify(names)}) {`,
        "  Object.defineProperty(out, k, { enumerable: true, configurable: true, get: () => load()[k] });",
        "}",
        "module.exports = out;",
      ];
      return { contents: lines.join("\n"), loader: "js", resolveDir: process.cwd() };
    });
  },
};

/**
 * Our `import fs from "node:fs"` of a built-in that loads at start anyway: esbuild turns each such import into
 * `__toESM(require("fs"))`, which copies every export of the module into a new object of getters, once per importing
 * file (18 files import node:fs, 15 node:path). That copying alone made its helper hot enough for V8 to compile it
 * with TurboFan in a cron run (11 ms of CPU and 4 MB of memory). Here each built-in becomes one ES module with the
 * same default and named exports, made once: its data properties only, so a getter such as fs.promises, which
 * loads another module, is not read.
 */
export const builtinModules = {
  name: "builtin-modules",
  setup(b) {
    const names = require("node:module").builtinModules.filter((n) => !n.startsWith("_") && !LAZY_BUILTINS.includes(n));
    const filter = new RegExp(`^(node:)?(${names.map((n) => n.replace("/", "\\/")).join("|")})$`);
    b.onResolve({ filter }, (args) =>
      args.kind === "import-statement" && args.namespace !== "builtin-module"
        ? { path: args.path.replace(/^node:/, ""), namespace: "builtin-module" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "builtin-module" }, (args) => {
      const real = require(args.path);
      const names = exportNames(real, { dataOnly: true });
      const lines = [`const m = require(${JSON.stringify(`node:${args.path}`)});`, "export default m;"];
      if (names.length) lines.push(`export const { ${names.join(", ")} } = m;`);
      return { contents: lines.join("\n"), loader: "js", resolveDir: process.cwd() };
    });
  },
};

/**
 * Exact edits to dependencies' top-level requires that a run never needs. Each must match once: after an upgrade
 * that changes the text, the build fails here rather than quietly loading them again.
 */
const EDITS = [
  {
    file: /[\\/]pino[\\/]lib[\\/]tools\.js$/,
    edits: [
      // worker_threads only decides whether pino's own sonic-boom destination registers an exit handler.
      ["const { isMainThread } = require('worker_threads')\n", ""],
      ["if (!opts.sync && isMainThread)", "if (!opts.sync && require('worker_threads').isMainThread)"],
      // The transport (a worker thread running thread-stream) is for `transport:` options watchdog never passes.
      ["const transport = require('./transport')", "const transport = (...a) => require('./transport')(...a)"],
    ],
  },
  {
    file: /[\\/]pino[\\/]pino\.js$/,
    edits: [
      [
        "module.exports.transport = require('./lib/transport')",
        "module.exports.transport = (...a) => require('./lib/transport')(...a)",
      ],
    ],
  },
];

export const lazyDependencies = {
  name: "lazy-dependencies",
  setup(b) {
    for (const { file, edits } of EDITS) {
      b.onLoad({ filter: file }, async (args) => {
        const fs = await import("node:fs");
        let text = fs.readFileSync(args.path, "utf8");
        for (const [from, to] of edits) {
          const count = text.split(from).length - 1;
          if (count !== 1) throw new Error(`${args.path}: ${JSON.stringify(from)} found ${count} times, not once`);
          text = text.replace(from, () => to);
        }
        return { contents: text, loader: "js" };
      });
    }
  },
};
