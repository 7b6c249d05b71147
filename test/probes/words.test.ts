import { describe, expect, it } from "vitest";
import { probes } from "../../src/probes/registry.js";
import type { Values } from "../../src/probes/types.js";

// Every phrase of every probe, worded in en and zh-CN with placeholders for its values: the Chinese text keeps no
// English word of its own. Names that are the same in both (config keys, programs, units, Node's codes) are listed.
const KEPT = new Set(
  (
    "GPU GPUs MiB RSS JSON TLS token PATH NVIDIA NVML ECC infoROM nvidia smi GET models pid proc insecure true " +
    "EACCES EHOSTUNREACH ETIMEDOUT RMS dBFS match comm pidfile patterns causes builtin watchdog adm Prometheus"
  ).split(" "),
);

/** placeholders gives each value the name it is read by, so that a test can tell values from the phrase's words. */
const placeholders = new Proxy({} as Values, { get: (_, k) => (typeof k === "string" ? `«${k}»` : undefined) });

const phrases = Object.entries(probes).flatMap(([type, p]) =>
  Object.entries(p.words).map(([key, w]) => ({ type, key, w })),
);

describe("probe summaries in en and zh-CN", () => {
  it("every probe has words", () => {
    for (const p of Object.values(probes)) expect(Object.keys(p.words).length).toBeGreaterThan(0);
  });

  it.each(phrases.map((p) => [`${p.type}.${p.key}`, p] as const))("%s", (_, { w }) => {
    const en = w.en(placeholders);
    const zh = w["zh-CN"](placeholders);
    expect(typeof en).toBe("string");
    expect(typeof zh).toBe("string");
    const left = zh.replace(/«\w+»/g, "").match(/[A-Za-z]{2,}/g) ?? [];
    expect(left.filter((word) => !KEPT.has(word))).toEqual([]);
    // Values go into both, the same ones.
    const names = (s: string) => [...new Set(s.match(/«\w+»/g) ?? [])].sort();
    expect(names(zh)).toEqual(names(en));
  });
});
