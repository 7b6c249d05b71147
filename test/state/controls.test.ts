import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emptyState } from "../../src/engine/types.js";
import { applyQueuedControls, parseControl, queueFileOf } from "../../src/state/controls.js";
import { createJsonFileStore } from "../../src/state/json-file-store.js";
import { peek } from "../../src/state/peek.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-controls-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 10, 23, 2, 0, 0);
const silence = {
  id: "s1",
  pattern: "gpu-*",
  reason: "maintenance",
  createdAt: NOW,
  startsAt: NOW,
  endsAt: NOW + 3600_000,
};

describe("parseControl (one line of the queue)", () => {
  it.each([
    ["silence_add", JSON.stringify({ type: "silence_add", silence }), "silence_add"],
    ["silence_remove", JSON.stringify({ type: "silence_remove", id: "s1" }), "silence_remove"],
    ["ack without a note", JSON.stringify({ type: "ack", check: "llm" }), "ack"],
    ["ack with a null note", JSON.stringify({ type: "ack", check: "llm", note: null }), "ack"],
    ["not JSON", '{"type":', undefined],
    ["an unknown type", JSON.stringify({ type: "reboot" }), undefined],
    [
      "a silence without its end",
      JSON.stringify({ type: "silence_add", silence: { ...silence, endsAt: "soon" } }),
      undefined,
    ],
    ["an ack without a check", JSON.stringify({ type: "ack" }), undefined],
    ["an array", "[]", undefined],
  ])("%s", (_name, line, type) => {
    expect(parseControl(line)?.type).toBe(type);
  });
});

describe("applyQueuedControls", () => {
  it("applies the lines of a command's shape, skips the others with a warning, and removes the queue", async () => {
    const stateFile = path.join(dir, "state.json");
    const lines = [
      JSON.stringify({ type: "silence_add", silence }),
      "not json",
      JSON.stringify({ type: "reboot", check: "llm" }),
      "",
    ];
    fs.writeFileSync(queueFileOf(stateFile), lines.join("\n"));
    const warnings: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
    const cfg = { state_file: stateFile, history_file: path.join(dir, "history.jsonl"), history_max_size: 1 << 20 };
    const store = createJsonFileStore(stateFile, () => NOW);
    const state = await applyQueuedControls(cfg, emptyState(), store, { clock: { now: () => NOW }, logger } as never);
    expect(state.silences.map((s) => s.id)).toEqual(["s1"]);
    expect(warnings).toEqual([
      `skipped an unreadable queued command in ${queueFileOf(stateFile)}`,
      `skipped an unreadable queued command in ${queueFileOf(stateFile)}`,
    ]);
    expect(fs.existsSync(queueFileOf(stateFile))).toBe(false);
    expect(peek(stateFile)).toEqual({ state: expect.objectContaining({ silences: [silence] }), warnings: [] });
  });
});

describe("peek (the state read for display and dry runs)", () => {
  it.each([
    ["not a JSON object", "[1]", "is not a JSON object"],
    ["another version", JSON.stringify({ version: 99, checks: {} }), "is version 99 is not 1"],
    ["not JSON", "{", "is not valid JSON (truncated?)"],
  ])("%s: an empty state and the problem in words, the file left in place", (_name, text, why) => {
    const file = path.join(dir, "state.json");
    fs.writeFileSync(file, text);
    expect(peek(file)).toEqual({
      state: emptyState(),
      warnings: [`state file ${file} ${why}; the next check run moves it aside`],
    });
    expect(fs.readFileSync(file, "utf8")).toBe(text);
  });

  it("a missing file is an empty state without a warning", () => {
    expect(peek(path.join(dir, "none.json"))).toEqual({ state: emptyState(), warnings: [] });
  });
});
