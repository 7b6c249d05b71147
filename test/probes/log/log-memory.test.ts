import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileLog, logConfigSchema, logProbe, type LogConfig } from "../../../src/probes/log/index.js";
import { ctx, testDeps } from "../ctx.js";

// The daemon keeps each log check's compiled rules for as long as its config: the search's WebAssembly memory, which
// the file is read into and which never shrinks, must not be kept with them after a large read. Whether it can be
// collected is asked of the garbage collector itself (a full collection, then a WeakRef), not timed.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-log-memory-"));
  file = path.join(dir, "app.log");
  fs.writeFileSync(file, "");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const MiB = 1 << 20;
const line = "2026-12-07T00:00:00Z INFO GET /v1/models 200 in 3 ms, nothing to see here\n";
const append = (bytes: number) => fs.appendFileSync(file, line.repeat(Math.ceil(bytes / line.length)));

/** searchMemory is a weak reference to the memory the check's search reads the file into. */
function searchMemory(cfg: LogConfig): WeakRef<ArrayBufferLike> {
  const bufs = compileLog(cfg).prefilter.buffers?.(64 * 1024);
  if (!bufs) throw new Error("no WebAssembly search here");
  return new WeakRef(bufs[0].buffer);
}

/** collected runs a full collection once the current job is over (a WeakRef holds its target until then). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  await new Promise((r) => setImmediate(r));
  gc();
  return ref.deref() === undefined;
}

describe("log probe: the search's memory between runs", () => {
  it("lets it go after a run that read a lot, so a burst of lines is not kept for good", async () => {
    const cfg = logConfigSchema.parse({ type: "log", path: file, patterns: ["Traceback"] });
    const deps = testDeps();
    const first = await logProbe.run(cfg, ctx(undefined, deps));
    const memory = searchMemory(cfg);
    append(8 * MiB);
    const out = await logProbe.run(cfg, ctx(first.memory, deps));
    expect(out.metrics?.bytes_read).toBeGreaterThan(8 * MiB - 1);
    expect(await collected(memory)).toBe(true);
    // Built again on the next new bytes: the check still finds what it looks for.
    fs.appendFileSync(file, "Traceback (most recent call last):\n");
    expect((await logProbe.run(cfg, ctx(out.memory, deps))).status).toBe("critical");
  });

  it("keeps it after a run that read little, so a quiet log costs no rebuilding", async () => {
    const cfg = logConfigSchema.parse({ type: "log", path: file, patterns: ["Traceback"] });
    const deps = testDeps();
    const first = await logProbe.run(cfg, ctx(undefined, deps));
    const memory = searchMemory(cfg);
    append(64 * 1024);
    await logProbe.run(cfg, ctx(first.memory, deps));
    expect(await collected(memory)).toBe(false);
  });
});
