import fs from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";

/**
 * readableStack is STACK with each frame of the bundle (dist/watchdog.cjs) pointed at its line of src/*.ts, read
 * from the source map beside the bundle. Only --debug prints a stack, so only then is the map read: a normal run
 * pays nothing for it. Frames without a map (the tests' unbundled sources, the single executable) stay as they are.
 */
export function readableStack(stack: string): string {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (file: string): SourceMap | undefined => {
    if (!maps.has(file)) {
      try {
        maps.set(file, new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, "utf8"))));
      } catch {
        maps.set(file, undefined);
      }
    }
    return maps.get(file);
  };
  return stack.replace(/(?<=\(|at )(\/[^():\s]+\.cjs):(\d+):(\d+)/g, (frame, file: string, line, column) => {
    const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !("originalSource" in entry)) return frame;
    const source = path.resolve(path.dirname(file), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
