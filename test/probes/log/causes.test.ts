import { describe, expect, it } from "vitest";
import {
  BUILTIN,
  buildCatalog,
  CAUSES,
  classifyLine,
  classifyLines,
  describeCause,
  localizeCause,
} from "../../../src/probes/log/causes.js";
import { requiredLiterals } from "../../../src/probes/log/log-prefilter.js";
import { readLines } from "./corpus.js";

// Real lines from public issue threads with the cause each names, and lines that are no failure (`none`):
// test/fixtures/causes/lines.txt.
const LINES = readLines("lines.txt").map((l) => [l.line, l.expected] as const);
const NOT_FAILURES = LINES.filter(([, id]) => id === "none").map(([line]) => line);

describe("cause catalog", () => {
  it.each(LINES.filter(([, id]) => id !== "none"))("%s → %s", (line, id) => {
    // A bare SIGKILL names the OOM killer unless another line says why (causes-families.test.ts); the NCCL
    // watchdog names the CUDA error it carries.
    expect(classifyLine(line)?.id ?? "none").toBe(id);
  });

  it.each(NOT_FAILURES)("%s is not a failure", (line) => {
    expect(classifyLine(line)).toBeUndefined();
  });

  it("every cause explains itself and suggests an action in both locales", () => {
    for (const c of CAUSES) {
      for (const locale of ["en", "zh-CN"] as const) {
        expect(c.text[locale].explain.length).toBeGreaterThan(5);
        expect(c.text[locale].action.length).toBeGreaterThan(5);
        expect(describeCause(c.id, locale)).not.toContain("\n");
      }
    }
    expect(describeCause("gpu_oom", "zh-CN")).toBe(
      "gpu_oom: GPU 显存不足 — 减小 batch、分辨率或 max_model_len / gpu_memory_utilization，或释放被其他进程占用的显存",
    );
    expect(describeCause("my own words")).toBe("my own words");
    expect(localizeCause(describeCause("port_in_use"), "zh-CN")).toBe(describeCause("port_in_use", "zh-CN"));
    expect(localizeCause("disk: the cache disk is full", "zh-CN")).toBe("disk: the cache disk is full");
    // A probe that names a cause by its id alone (gpu's stuck and idle judgements) gets the catalog's words too.
    expect(localizeCause("hang_timeout", "en")).toBe(describeCause("hang_timeout"));
    expect(localizeCause("gpu_hang", "zh-CN")).toBe(describeCause("gpu_hang", "zh-CN"));
  });
});

describe("catalog rules", () => {
  it("every pattern has no flags and a literal of 8+ bytes, so the prefilter never runs it on every line", () => {
    for (const c of CAUSES) {
      for (const re of c.regexes) {
        expect(re.flags, `${c.id} ${re.source}`).toBe("");
        const lits = requiredLiterals(re.source, re.flags);
        expect(lits, `${c.id} ${re.source}`).toBeDefined();
        expect(Math.min(...lits!.map((l) => Buffer.byteLength(l))), `${c.id} ${re.source}`).toBeGreaterThanOrEqual(8);
      }
    }
  });

  it("ids are unique and the wrappers come last", () => {
    expect(new Set(CAUSES.map((c) => c.id)).size).toBe(CAUSES.length);
    const firstWrapper = CAUSES.findIndex((c) => c.wrapper);
    expect(CAUSES.slice(firstWrapper).every((c) => c.wrapper)).toBe(true);
  });
});

describe("lines of one read", () => {
  it("a wrapper defers to the root cause on the lines after it (ComfyUI, vLLM) or before it", () => {
    const comfy = [
      "got prompt",
      "!!! Exception during processing!!! ",
      "Traceback (most recent call last):",
      "torch.OutOfMemoryError: Allocation on device ",
    ];
    expect(classifyLines(comfy)?.id).toBe("gpu_oom");
    const vllm = [
      "RuntimeError: CUDA error: an illegal memory access was encountered",
      "vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue.",
    ];
    expect(classifyLines(vllm)?.id).toBe("cuda_error");
  });

  it("a broad rule names its cause only when nothing else does, never on a warning or a retry", () => {
    // A timeout in words no pattern has met, on an error line (RAGFlow's litellm), is a hang ...
    const timeout = "[ERROR][Exception]: Task aborted -- litellm.Timeout: Connection timed out after 600.0";
    expect(classifyLines([timeout])?.id).toBe("hang_timeout");
    // ... but not in an INFO line, a warning, or a retry that goes on.
    expect(classifyLines(["INFO the request timed out after 5s, answered from cache"])).toBeUndefined();
    expect(classifyLines(["WARNING: request failed: timed out, retrying in 4s"])).toBeUndefined();
    expect(classifyLines(["Retrying (attempt 2/5) after error: read timed out"])).toBeUndefined();
    // A wrapper that says what failed wins over a broad rule on the same read (Ollama's own runner timeout).
    const runner = "Error: timed out waiting for llama runner to start - progress 0.00 - ";
    expect(classifyLines([runner])?.id).toBe("runner_not_started");
    // A program named as not found, and a model's file said to be corrupted, in words no pattern has met.
    expect(classifyLines(["RuntimeError: program 'sox' not found on this system"])?.id).toBe("exec_not_found");
    expect(classifyLines(["ValueError: checkpoint appears to be corrupted (short read)"])?.id).toBe("model_corrupt");
    expect(classifyLines(["ERROR: cannot unpack the model: not enough disk space on /data"])?.id).toBe("disk_full");
    const deserialize =
      "RuntimeError: Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False.";
    expect(classifyLines([deserialize])?.id).toBe("no_gpu");
    expect(classifyLines(["ERROR: worker 3 is not responding, giving up"])?.id).toBe("hang_timeout");
    // A service's own job that failed, in its words; but a cause said in the same read wins (a GPU out of memory).
    const celery =
      "[2025-11-25 03:42:18,861: ERROR/MainProcess] Task app.tasks.tts[job_5e] raised unexpected: ValueError()";
    expect(classifyLines([celery])?.id).toBe("job_failed");
    expect(classifyLines(["2025-01-01 ERROR tts: speech synthesis failed for request 42"])?.id).toBe("job_failed");
    expect(classifyLines(["ERROR speech synthesis failed", "torch.OutOfMemoryError: CUDA out of memory."])?.id).toBe(
      "gpu_oom",
    );
  });

  it("the wrapper is named when no line says why", () => {
    expect(
      classifyLines([
        "!!! Exception during processing !!!",
        "Traceback (most recent call last):",
        "KeyError: 'number_as_text'",
      ])?.id,
    ).toBe("job_failed");
    expect(classifyLines(["Prompt executed in 71.23 seconds"])).toBeUndefined();
  });
});

describe("the config's own causes", () => {
  const speaker = {
    id: "tts_speaker",
    patterns: ["speaker \\S+ not found"],
    explanation: { en: "unknown speaker", "zh-CN": "未知说话人" },
    action: { en: "check the speaker list" },
  };

  it("go above the wrappers by default, where priority says otherwise, and fall back to English", () => {
    const { catalog, issues } = buildCatalog([speaker], []);
    expect(issues).toEqual([]);
    const ids = catalog.causes.map((c) => c.id);
    expect(ids.indexOf("tts_speaker")).toBe(ids.indexOf("runner_not_started") - 1);
    expect(classifyLines(["!!! Exception during processing !!!", "speaker zh_9 not found"], catalog)?.id).toBe(
      "tts_speaker",
    );
    expect(classifyLines(["CUDA out of memory", "speaker zh_9 not found"], catalog)?.id).toBe("gpu_oom");
    expect(describeCause("tts_speaker", "zh-CN", catalog)).toBe("tts_speaker: 未知说话人 — check the speaker list");
    const first = buildCatalog([{ ...speaker, priority: "first" }]).catalog.causes[0]!.id;
    expect(first).toBe("tts_speaker");
    const before = buildCatalog([{ ...speaker, priority: { before: "gpu_oom" } }]).catalog.causes.map((c) => c.id);
    expect(before.indexOf("tts_speaker")).toBe(before.indexOf("gpu_oom") - 1);
    const after = buildCatalog([{ ...speaker, priority: { after: "gpu_oom" } }]).catalog.causes.map((c) => c.id);
    expect(after.indexOf("tts_speaker")).toBe(after.indexOf("gpu_oom") + 1);
  });

  it("disable_causes turns single built-in ones off", () => {
    const { catalog, issues } = buildCatalog([], ["job_failed", "missing_dependency"]);
    expect(issues).toEqual([]);
    expect(classifyLine("!!! Exception during processing !!!", catalog)).toBeUndefined();
    expect(classifyLine("ModuleNotFoundError: No module named 'colour'", catalog)).toBeUndefined();
    expect(classifyLine("RuntimeError: CUDA error: out of memory", catalog)?.id).toBe("gpu_oom");
  });

  it("reports unknown, duplicate and built-in ids, bad regexes and priority references", () => {
    const { issues } = buildCatalog(
      [
        speaker,
        speaker,
        { ...speaker, id: "gpu_oom" },
        { ...speaker, id: "x", patterns: ["(unclosed"] },
        { ...speaker, id: "y", priority: { after: "nope" } },
      ],
      ["not_a_cause"],
    );
    expect(issues.map((i) => `${i.path.join(".")}: ${i.message.split(" (")[0]}`)).toEqual([
      'disable_causes.0: unknown built-in cause "not_a_cause"',
      'causes.1.id: duplicate cause id "tts_speaker"',
      'causes.2.id: "gpu_oom" is a built-in cause; pick another id',
      "causes.3.patterns: invalid regex: Invalid regular expression: /(unclosed/: Unterminated group",
      'causes.4.priority.after: unknown cause "nope"',
    ]);
    expect(BUILTIN.causes).toBe(CAUSES);
  });
});

describe("illegal_instruction, written without lookahead for the linear-time engine", () => {
  it.each([
    ["Illegal instruction (core dumped)", "illegal_instruction"],
    ["llama runner process has terminated: signal: illegal instruction (core dumped)", "illegal_instruction"],
    ["Program terminated: illegal instruction", "illegal_instruction"],
    ["Program terminated: illegal instruction ", "illegal_instruction"],
    ["torch.AcceleratorError: CUDA error: an illegal instruction was encountered", "cuda_error"],
  ])("%s → %s", (line, id) => {
    expect(classifyLine(line)?.id).toBe(id);
  });

  it("a bare `illegal instruction was encountered` is not SIGILL", () => {
    expect(classifyLine("kernel 3: an illegal instruction was encountered")?.id).not.toBe("illegal_instruction");
  });
});
