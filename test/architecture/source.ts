import fs from "node:fs";
import path from "node:path";

// What the architecture guards read: the files of src/ and the imports each one makes.

export const SRC = path.resolve(__dirname, "../../src");

/** sourceFiles lists the files under DIR whose names match KIND (TypeScript; declaration files left out). */
export function sourceFiles(dir: string, kind = /\.tsx?$/): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p, kind);
    return kind.test(e.name) && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** srcPath is FILE relative to src/, with forward slashes. */
export function srcPath(file: string): string {
  return path.relative(SRC, file).split(path.sep).join("/");
}

/** targetOf is the src/-relative file that SPEC, imported in FROM, names (".js" for ".ts"); undefined for packages. */
export function targetOf(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  return srcPath(path.resolve(path.dirname(from), spec.replace(/\?raw$/, "")).replace(/\.js$/, ".ts"));
}

export type Import = { spec: string; typeOnly: boolean };

/**
 * importsOf lists what TEXT imports: static imports, re-exports, side-effect imports, import() and require(), each
 * with whether it brings types only (`import type`, or braces of `type X` names only).
 */
export function importsOf(text: string): Import[] {
  // Comments may quote an import; whole-line and block comments are dropped (a URL in a string is left alone).
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: Import[] = [];
  for (const m of code.matchAll(/\b(?:import|export)\s+(type\s+)?([\w*{}\s,$]*?)\s*from\s*["']([^"']+)["']/g)) {
    const names = m[2]!
      .replace(/[{}]/g, "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const allTypes = m[2]!.trim().startsWith("{") && names.length > 0 && names.every((n) => n.startsWith("type "));
    out.push({ spec: m[3]!, typeOnly: Boolean(m[1]) || allTypes });
  }
  for (const m of code.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of code.matchAll(/\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g)) {
    out.push({ spec: m[1]!, typeOnly: false });
  }
  return out;
}
