// zod, yaml and re2js as files of their own (dist/lazy/zod.cjs, …), required on first use (build.mjs).
// A warm healthy run validates no config and no state (their caches), so it need not read, compile or evaluate
// either library: they were about a quarter of such a run. Our sources keep `import { z } from "zod"` and
// `import { parseDocument } from "yaml"`; this plugin resolves those imports to small stand-ins. The module-level
// schemas are built on first use too (src/core/lazy.ts), so importing our modules touches neither stand-in.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { exportNames } from "./lazy-modules.mjs";

const require = createRequire(import.meta.url);
const lazyModule = fileURLToPath(new URL("../src/core/lazy.ts", import.meta.url));

// re2js (the linear-time regex engine) is needed only to validate a config or to match new log lines.
export const LAZY_LIBRARIES = ["zod", "yaml", "re2js"];

/** The text of a lazy library's own file: zod's ESM entry (which the English-only plugin edits), yaml whole. */
export const libraryEntry = {
  zod: 'export { z } from "zod";',
  yaml: 'module.exports = require("yaml");',
  re2js: 'module.exports = require("re2js");',
};

/**
 * Every use of zod in src/ is `z.something`: the stand-in `z` is a lazy() object whose first property read
 * requires the real file. yaml's stand-in has one wrapper per export of the real module (read here, at build time):
 * a function that calls (or, for a class such as LineCounter, constructs) the real export, with getters for the
 * function's own properties (visit.BREAK); only the wrappers our code imports stay in the bundle.
 */
function standIn(name) {
  const load = `let real;\nconst load = () => (real ??= require(${JSON.stringify(`lazy-library:${name}`)}));`;
  if (name === "zod") {
    return `import { lazy } from ${JSON.stringify(lazyModule)};\n${load}\nexport const z = lazy(() => load().z);`;
  }
  const lines = [
    `import { lazy } from ${JSON.stringify(lazyModule)};`,
    load,
    "function wrap(name, statics) {",
    "  const f = function (...a) {",
    "    const r = load()[name];",
    "    return new.target ? new r(...a) : r.apply(this, a);",
    "  };",
    "  for (const k of statics) Object.defineProperty(f, k, { enumerable: true, get: () => load()[name][k] });",
    "  return f;",
    "}",
  ];
  const ignored = new Set(["length", "name", "prototype", "arguments", "caller"]);
  const real = require(name);
  for (const key of exportNames(real)) {
    const value = real[key];
    const k = JSON.stringify(key);
    if (typeof value === "function") {
      const statics = Object.getOwnPropertyNames(value).filter((p) => !ignored.has(p));
      lines.push(`export const ${key} = /* @__PURE__ */ wrap(${k}, ${JSON.stringify(statics)});`);
    } else if (value !== null && typeof value === "object") {
      lines.push(`export const ${key} = /* @__PURE__ */ lazy(() => load()[${k}]);`);
    } else {
      throw new Error(`${name}.${key}: a ${typeof value} export has no lazy stand-in`);
    }
  }
  return lines.join("\n");
}

/**
 * lazyLibraries resolves src/'s imports of zod and yaml to their stand-ins. `real(name)` is how a stand-in's
 * require of the real library resolves: the external file beside the bundle, or (single executable) an asset.
 */
export function lazyLibraries(real) {
  return {
    name: "lazy-libraries",
    setup(b) {
      const filter = new RegExp(`^(${LAZY_LIBRARIES.join("|")})$`);
      b.onResolve({ filter }, (args) => {
        if (/[\\/]node_modules[\\/]/.test(args.importer) || args.namespace !== "file") return undefined;
        return { path: args.path, namespace: "lazy-library" };
      });
      b.onResolve({ filter: /^lazy-library:/ }, (args) => real(args.path.slice("lazy-library:".length)));
      b.onLoad({ filter: /.*/, namespace: "lazy-library" }, (args) => ({
        contents: standIn(args.path),
        loader: "js",
        resolveDir: process.cwd(),
      }));
    },
  };
}
