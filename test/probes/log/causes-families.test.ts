import { describe, expect, it } from "vitest";
import { CAUSES, classifyLine, classifyLines, restartCannotFix } from "../../../src/probes/log/causes.js";
import { requiredLiterals } from "../../../src/probes/log/log-prefilter.js";
import { readLines } from "./corpus.js";

// Families by mechanism (errno, exit status and signal, loader, hub, RPC boundary) and harmless look-alikes, one
// line each as posted in a public thread, with its source: test/fixtures/causes/families.txt.
const LINES = readLines("families.txt");
const FAMILIES = LINES.filter((l) => l.expected !== "none").map((l) => [l.line, l.expected] as const);
const HARMLESS = LINES.filter((l) => l.expected === "none").map((l) => l.line);

/** patternsOf is every pattern of a cause that matches lines (excuses are checked with the rest by the corpus). */
const patternsOf = (c: (typeof CAUSES)[number]) => [
  ...c.regexes,
  ...(c.carriers ?? []),
  ...(c.broad ?? []),
  ...(c.weak?.regexes ?? []),
  ...(c.weak?.evidence ?? []),
];
describe("cause families by mechanism", () => {
  it.each(FAMILIES)("%s → %s", (line, id) => {
    expect(classifyLine(line)?.id).toBe(id);
  });

  it.each(HARMLESS)("%s names nothing", (line) => {
    expect(classifyLine(line)).toBeUndefined();
  });

  it("the new causes say whether a restart can help", () => {
    const cannot = restartCannotFix();
    for (const id of ["permission_denied", "model_corrupt", "missing_library", "exec_not_found"])
      expect(cannot).toContain(id);
    for (const id of ["hang_timeout", "address_unavailable", "model_load_failed"]) expect(cannot).not.toContain(id);
  });

  it("every pattern of every kind follows the catalog rules (no flags, a literal of 8+ bytes)", () => {
    for (const c of CAUSES) {
      for (const re of patternsOf(c)) {
        expect(re.flags, `${c.id} ${re.source}`).toBe("");
        const lits = requiredLiterals(re.source, re.flags);
        expect(lits, `${c.id} ${re.source}`).toBeDefined();
        expect(Math.min(...lits!.map((l) => Buffer.byteLength(l))), `${c.id} ${re.source}`).toBeGreaterThanOrEqual(8);
      }
    }
  });
});

// Ordinary output of busy services (as bench/log-lines.mjs writes it, and the real lines it was taken from): a
// pattern whose prefilter literal is in such a line is tried on most lines, and the scan slows down many times over.
const ORDINARY = [
  'INFO:     127.0.0.1:52345 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
  "INFO 11-18 18:45:28 metrics.py:351] Avg prompt throughput: 115 tokens/s, Avg generation throughput: 43.5 " +
    "tokens/s, Running: 6 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 35.0%, CPU KV cache usage: 0.0%.",
  "2024-11-18 18:07:45,123 - cosyvoice - INFO - synthesizing 45 chars for speaker zh_female_4 in 0.53s",
  "Prompt executed in 12.34 seconds",
  'DEBUG:urllib3.connectionpool:https://huggingface.co:443 "HEAD ' +
    '/api/models/Qwen/Qwen2.5-7B-Instruct/revision/main HTTP/1.1" 200 1234',
  "WARNING 11-18 18:07:28 scheduler.py:1089] Sequence group 12345 is preempted by PreemptionMode.RECOMPUTE mode " +
    "because there is not enough KV cache space.",
  '[GIN] 2024/09/28 - 23:36:39 | 200 |  13.83000742s |   192.168.2.210 | POST     "/api/generate"',
];

describe("the catalog stays fast on ordinary lines", () => {
  it("no pattern's prefilter literal is in ordinary service output", () => {
    const hit: string[] = [];
    for (const c of CAUSES)
      for (const re of patternsOf(c)) {
        const lits = requiredLiterals(re.source, re.flags) ?? [];
        for (const line of ORDINARY) if (lits.some((l) => `\n${line}\n`.includes(l))) hit.push(`${c.id} ${re.source}`);
      }
    expect(hit).toEqual([]);
  });
});

describe("root cause over wrapper, by context", () => {
  it("the NCCL watchdog names the CUDA error it reports", () => {
    // vllm-project/vllm issue lines as quoted in the existing catalog tests
    const line =
      "[rank2]:[E626 23:10:17.921506443 ProcessGroupNCCL.cpp:1896] [PG ID 2 PG GUID 3 Rank 2] Process group " +
      "watchdog thread terminated with exception: CUDA error: an illegal memory access was encountered";
    expect(classifyLine(line)?.id).toBe("cuda_error");
    expect(classifyLines([line])?.id).toBe("cuda_error");
  });

  it("a bare Killed is the OOM killer only when no line of the read names another cause", () => {
    // faster-whisper#373, A1111#1863, CosyVoice#86: the shell's Killed after loading a model, nothing else said
    expect(classifyLines(["Killed"])?.id).toBe("host_oom");
    expect(classifyLines(["Killed 3 idle connections"])).toBeUndefined();
    // sgl-project/sglang#3752: the service's own watchdog killed it
    const sglang = [
      "[2025-03-09 00:57:16 TP0] Watchdog timeout (self.watchdog_timeout=300)",
      "[2025-03-09 00:57:20] Received sigquit from a child proces. It usually means the child failed.",
      "Killed",
    ];
    expect(classifyLines(sglang)?.id).toBe("hang_timeout");
    // ollama/ollama#1290: the runner was killed and nothing says why; the wrapper is named
    expect(classifyLines(["2023/11/27 22:28:29 llama.go:435: signal: killed"])).toBeUndefined();
    expect(classifyLines(["Error: llama runner process has terminated: signal: killed"])?.id).toBe(
      "runner_not_started",
    );
    // equinor/ert#7797: the shell's Killed, and the kernel's stack through oom_kill_process in the same read
    const oomStack = "2024-04-29T14:55:41,678661+02:00  oom_kill_process.cold.33+0xb/0x10";
    expect(classifyLines([oomStack])).toBeUndefined();
    expect(classifyLines(["Killed", oomStack])?.id).toBe("host_oom");
    // ... and beside a line that carries another error: the evidence wins over the carrier
    expect(classifyLines(["Error: llama runner process has terminated: signal: killed", oomStack])?.id).toBe(
      "host_oom",
    );
    // vLLM's startup advice is no evidence (corpus: vllm-project/vllm model_runner.py:984)
    const advice =
      "INFO 08-07 00:12:04 model_runner.py:984] CUDA graphs can take additional 1~3 GiB memory per GPU. If you " +
      "are running out of memory, consider decreasing `gpu_memory_utilization` or enforcing eager mode.";
    expect(classifyLines([advice])).toBeUndefined();
    // a concrete error in the same read wins over the bare Killed that followed it
    expect(classifyLines(["RuntimeError: CUDA error: an illegal memory access was encountered", "Killed"])?.id).toBe(
      "cuda_error",
    );
  });

  it("an Xid caused by a previous Xid takes the earlier one's cause", () => {
    // reference gpu-and-logs.md: open-gpu-kernel-modules#1150
    const line =
      "kernel: NVRM: Xid (PCI:0000:dc:00): 45, pid=1818990, name=python3, Ch 00000001 caused by previous Xid 149";
    expect(classifyLine(line)?.id).toBe("nccl");
    // Xid 45 without the note (leptonai/gpud#117) defers to the Xid 79 of the same read (open-gpu-kernel-modules#1151)
    const xid45 =
      "[Sat Oct 12 18:35:32 2024] NVRM: Xid (PCI:0000:61:00): 45, pid=1496200, name=distprovers-gpu, Ch 0000000a";
    expect(classifyLines([xid45, "NVRM: Xid (PCI:0000:2b:00): 79, GPU has fallen off the bus."])?.id).toBe("gpu_lost");
    expect(classifyLines([xid45])?.id).toBe("cuda_error");
  });

  it("a model that failed to load defers to the concrete reason in the same read", () => {
    // OpenBMB/MiniCPM#250
    const read = [
      "gguf_init_from_file: invalid magic characters 'vers'",
      "llama_model_load: error loading model: llama_model_loader: failed to load model from " +
        "models/minicpm3-4b-fp16.gguf",
      "llama_load_model_from_file: failed to load model",
    ];
    expect(classifyLines(read)?.id).toBe("model_corrupt");
    expect(classifyLines(read.slice(1))?.id).toBe("model_load_failed");
  });

  it("a warning about an optional module excuses the one import error after it, not a later one", () => {
    const warn = "A matching Triton is not available, some optimizations will not be enabled";
    const err = "ModuleNotFoundError: No module named 'triton'";
    expect(classifyLines([warn, "Traceback (most recent call last):", err])).toBeUndefined();
    const vllm = "WARNING 01-02 vllm: Failed to import from vllm._C: No module named 'vllm._C'";
    expect(classifyLines([vllm])).toBeUndefined();
    expect(classifyLines([warn, err, "ModuleNotFoundError: No module named 'vllm'"])?.id).toBe("missing_dependency");
    // Spent by the next matching line, whatever it names: an import error far after the warning is a failure.
    expect(classifyLines([warn, "RuntimeError: CUDA error: unspecified launch failure", err])?.id).toBe("cuda_error");
    expect(classifyLines([err])?.id).toBe("missing_dependency");
  });

  it("a fallback said on the line right after the import error excuses it, once", () => {
    // ZeyueT/AudioX#44 (batch-10): the module is optional, the service goes on without it.
    const err = "No module named 'flash_attn'";
    const fallback = "flash_attn not installed, disabling Flash Attention";
    expect(classifyLines(["Creating model from config", err, fallback])).toBeUndefined();
    expect(classifyLines([err, fallback, "ModuleNotFoundError: No module named 'torch'"])?.id).toBe(
      "missing_dependency",
    );
    // A line between them is not a fallback of that error.
    expect(classifyLines([err, "RuntimeError: CUDA error: unspecified launch failure", fallback])?.id).toBe(
      "cuda_error",
    );
    expect(classifyLines([err, "Traceback (most recent call last):", "KeyError: 'x'", fallback])?.id).toBeUndefined();
    // "not installed" followed by advice, not by a fallback, is the failure it says.
    const hf = "the package flash_attn seems to be not installed. Please refer to the documentation";
    expect(classifyLines([`ImportError: FlashAttention2 has been toggled on, but ${hf}`])?.id).toBe(
      "missing_dependency",
    );
  });

  it("a Ray task failure defers to what the task died of", () => {
    // Simple-Efficient/RL-Factory#8
    const read = [
      "`ray.exceptions.RayTaskError(ActorDiedError): ray::TaskRunner.run() (pid=18948, ip=10.164.37.106, " +
        "actor_id=2dbcd32867b5c511f131cbb201000000, repr=<main_ppo.TaskRunner object at 0x7f852c0b7490>)",
      "ERROR 03-21 17:27:44 [core.py:340] ray.exceptions.OutOfMemoryError: Task was killed due to the node " +
        "running low on memory.",
    ];
    expect(classifyLines(read)?.id).toBe("host_oom");
  });

  it("a line that is only evidence does not come between an excuse and the line it excuses", () => {
    // invoke-ai/InvokeAI#3448: the fp16 revision is asked for first, and the main one is taken when it is not there.
    const read = [
      "[2023-06-05 22:17:23,883]::[InvokeAI]::ERROR --> An unexpected error occurred while downloading the model: " +
        "404 Client Error. (Request ID: Root=1-647e9733-1b0ee3af67d6ac3456b1ebfc)",
      '  File "/venv/lib/python3.10/site-packages/huggingface_hub/file_download.py", line 1, in hf_hub_download',
      "Invalid rev id: fp16)",
    ];
    expect(classifyLines(read)).toBeUndefined();
    expect(classifyLines(read.slice(0, 2))?.id).toBe("model_not_found");
  });

  it("WSAEACCES by its number is a port held or reserved only when the read shows a bind", () => {
    // RVC-Project/Retrieval-based-Voice-Conversion-WebUI#1761 (bind); jianchang512/pyvideotrans#1164 (connect)
    const refused =
      "PermissionError: [WinError 10013] \u4ee5\u4e00\u79cd\u8bbf\u95ee\u6743\u9650\u4e0d\u5141\u8bb8" +
      "\u7684\u65b9\u5f0f\u505a\u4e86\u4e00\u4e2a\u8bbf\u95ee\u5957\u63a5\u5b57\u7684\u5c1d\u8bd5\u3002";
    const bind = '  File "D:\\RVC\\runtime\\lib\\site-packages\\gradio\\networking.py", line 121, in start_server';
    expect(classifyLines([bind, refused])?.id).toBe("port_in_use");
    expect(classifyLines([refused])).toBeUndefined();
  });

  it("NCCL's RAS service that cannot listen names nothing: NCCL goes on without it", () => {
    // vllm-project/vllm#19204
    const read = [
      "paula09:2528103:2528103 [0] ras/client_support.cc:160 NCCL WARN Call to bind failed: Address already in use",
      "paula09:2528103:2528103 [0] NCCL INFO RAS failed to establish a client listening socket at localhost:28028",
    ];
    expect(classifyLines(read)).toBeUndefined();
    expect(classifyLines(read.slice(0, 1))?.id).toBe("nccl");
  });

  it("vLLM's client reporting the engine's death after the engine said it shut down names nothing", () => {
    // vllm-project/vllm-ascend docs/source/installation.md
    const read = [
      "(EngineCore pid=970) INFO 05-12 11:36:00 [core.py:1224] Shutdown complete",
      "ERROR 05-12 11:36:01 [core_client.py:704] Engine core proc EngineCore died unexpectedly, shutting down client.",
    ];
    expect(classifyLines(read)).toBeUndefined();
    expect(classifyLines(read.slice(1))?.id).toBe("engine_dead");
  });

  it("an exit status of 139 defers to the line that says why the process died", () => {
    // facefusion/facefusion-docker#9
    const crash = "facefusion-docker-facefusion-cuda-1 exited with code 139";
    const why =
      "facefusion-docker-facefusion-cuda-1  | Could not load library libcudnn_cnn_infer.so.8. Error: " +
      "libnvrtc.so: cannot open shared object file: No such file or directory";
    expect(classifyLines([why, crash])?.id).toBe("missing_library");
    expect(classifyLines([crash])?.id).toBe("segfault");
  });

  it("a file the hub did not hand out defers to the network failure in the same read", () => {
    // bytedance/LatentSync#141: diffusers says the file is missing; urllib3's connect to the hub had timed out.
    const missing =
      "Error during processing: stabilityai/sd-vae-ft-mse does not appear to have a file named " +
      "diffusion_pytorch_model.bin.";
    const timeout = [
      '  File "/root/miniconda3/lib/python3.10/site-packages/urllib3/connection.py", line 174, in _new_conn',
      "    sock.connect(sa)",
      "TimeoutError: timed out",
    ];
    expect(classifyLines([missing, ...timeout])?.id).toBe("hub_unreachable");
    expect(classifyLines([missing])?.id).toBe("model_not_found");
  });
});
