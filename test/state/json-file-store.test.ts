import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emptyState } from "../../src/engine/types.js";
import { StateError } from "../../src/errors.js";
import { createJsonFileStore } from "../../src/state/json-file-store.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-state-"));
});
afterEach(() => {
  fs.chmodSync(dir, 0o700);
  fs.rmSync(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 10, 23, 2, 0, 0);

describe("json file store", () => {
  it("starts empty when there is no file, and round-trips a saved state with mode 0600", async () => {
    const file = path.join(dir, "sub", "state.json");
    const store = createJsonFileStore(file, () => NOW);
    expect((await store.load()).state).toEqual(emptyState());
    const s = { ...emptyState(), droppedTotal: 3 };
    await store.save(s);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).version).toBe(1);
    expect((await store.load()).state.droppedTotal).toBe(3);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["state.json"]);
  });

  it("masks secrets in string values, never in numbers or keys", async () => {
    const file = path.join(dir, "state.json");
    const store = createJsonFileStore(
      file,
      () => NOW,
      (t) => t.replaceAll("tok-1234", "***").replaceAll("1234", "***"),
    );
    await store.save({
      ...emptyState(),
      droppedTotal: 1234,
      dropped: [
        {
          id: "m",
          channel: "tok-1234",
          createdAt: 1,
          droppedAt: 2,
          why: "POST ?access_token=tok-1234 failed",
          checks: [],
        },
      ],
    });
    const text = fs.readFileSync(file, "utf8");
    expect(text).not.toContain("tok-1234");
    const back = (await store.load()).state;
    expect(back.droppedTotal).toBe(1234);
    expect(back.dropped[0]!.why).toBe("POST ?access_token=*** failed");
  });

  it.each([
    ["corrupt JSON", '{"version":1,"checks":{'],
    ["an empty file", ""],
    ["a wrong version", JSON.stringify({ version: 99, checks: {}, outbox: [] })],
    ["a JSON array", "[]"],
    ["binary garbage", "\u0000\u0001\u00ff"],
  ])("moves %s aside, warns, and starts from empty state", async (_name, content) => {
    const file = path.join(dir, "state.json");
    fs.writeFileSync(file, content);
    const { state, warnings } = await createJsonFileStore(file, () => NOW).load();
    expect(state).toEqual(emptyState());
    const aside = `${file}.corrupt-2026-11-23T02-00-00-000Z`;
    expect(warnings).toEqual([expect.stringContaining(`moved it to ${aside}`)]);
    expect(fs.readFileSync(aside, "utf8")).toBe(content);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("fails loudly when the directory is not writable and leaves the previous file intact", async () => {
    if (process.getuid?.() === 0) {
      // root ignores directory permissions; a read-only bind is not available here, so use a path under a file.
      const file = path.join(dir, "not-a-dir");
      fs.writeFileSync(file, "x");
      await expect(createJsonFileStore(path.join(file, "state.json"), () => NOW).save(emptyState())).rejects.toThrow(
        StateError,
      );
      return;
    }
    const file = path.join(dir, "state.json");
    const store = createJsonFileStore(file, () => NOW);
    await store.save({ ...emptyState(), droppedTotal: 1 });
    fs.chmodSync(dir, 0o500);
    await expect(store.save({ ...emptyState(), droppedTotal: 2 })).rejects.toThrow(/cannot write .*permission denied/);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).droppedTotal).toBe(1);
  });
});
