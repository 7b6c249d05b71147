// esbuild plugins that keep modules a healthy cron run never uses from loading at start (scripts/build.mjs).
// Every Node built-in a run loads costs compile time and memory, and the bundle's top-level `require`s loaded them
// all: https (with tls), crypto, child_process (with dgram, net), zlib, fs/promises (with readline), worker_threads
// and assert (for pino's unused transport thread) and perf_hooks.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

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
      const names = Object.keys(real).filter((k) => k !== "default" && /^[A-Za-z_$][\w$]*$/.test(k));
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
