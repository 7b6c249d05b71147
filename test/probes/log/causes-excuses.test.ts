import { describe, expect, it } from "vitest";
import { classifyLines } from "../../../src/probes/log/causes.js";

// Lines of one read where a failure is followed by what shows it passed or did not matter: a fallback, a retry, a
// server that came up, a stop, a warning's own text. The excuses of the catalog (cause-pick.ts) name nothing.
describe("lines of one read that show a failure passed", () => {
  it("a fallback after a failure reported over several lines excuses the whole report, and no more", () => {
    // llama.cpp's failed allocation takes three lines before it retries another way.
    const oom = [
      "E ggml_backend_cuda_buffer_type_alloc_buffer: allocating 51748.72 MiB on device 1: cudaMalloc failed: " +
        "out of memory",
      "E ggml_gallocr_reserve_n_impl: failed to allocate CUDA1 buffer of size 54262464512",
      "E graph_reserve: failed to allocate compute buffers",
    ];
    const retry = "W sched_reserve: compute buffer allocation failed, retrying without pipeline parallelism";
    expect(classifyLines([...oom, "I srv load_model: loading", retry])).toBeUndefined();
    // A report longer than a fallback covers keeps its first line; an OOM after the fallback is named.
    expect(classifyLines([...oom, ...oom, retry])?.id).toBe("gpu_oom");
    expect(classifyLines([...oom, retry, oom[0]!])?.id).toBe("gpu_oom");
    // Ollama's scheduler: the load's failure at INFO, then a retry with a smaller context that carries the same error.
    const ollama = [
      'time=2025-06-01T10:00:00.000Z level=INFO source=sched.go:641 msg="Load failed" model=/m/blobs/sha256-1 ' +
        'error="cudaMalloc failed: out of memory"',
      'time=2025-06-01T10:00:00.001Z level=WARN source=sched.go:652 msg="llama-server load failed; reducing ' +
        'automatic context and retrying once" model=/m/blobs/sha256-1 new_num_ctx=16384 ' +
        'error="cudaMalloc failed: out of memory"',
    ];
    expect(classifyLines(ollama)).toBeUndefined();
    expect(classifyLines([...ollama, ollama[0]!])?.id).toBe("gpu_oom");
    // A line of another cause between them ends the report: the fallback excuses nothing before it.
    expect(classifyLines([oom[0]!, "!!! Exception during processing !!!", retry])?.id).toBe("gpu_oom");
  });

  it("a Python warning printed over several lines is a warning to its source line (`warnings.warn(`)", () => {
    // pyannote without torchcodec: the import error stands on a line of its own inside the warning's text.
    const warning = [
      "pyannote/audio/core/io.py:48: UserWarning:",
      "torchcodec is not installed correctly so built-in audio decoding will fail. Error message was:",
      "No module named 'torchcodec'",
      "  warnings.warn(",
    ];
    expect(classifyLines(warning)).toBeUndefined();
    expect(classifyLines([...warning, "ModuleNotFoundError: No module named 'whisperx'"])?.id).toBe(
      "missing_dependency",
    );
    expect(classifyLines(warning.slice(0, 3))?.id).toBe("missing_dependency");
  });

  it("a lookup that goes on without what it did not find names nothing", () => {
    // VibeVoice takes the default processor config; LocalAI starts on the CPU; the device plugin on WSL looks in
    // each driver folder in turn.
    const config =
      "Could not load preprocessor_config.json: microsoft/VibeVoice-ASR does not appear to have a file " +
      "named preprocessor_config.json.";
    expect(classifyLines([config, "Using default configuration"])).toBeUndefined();
    expect(classifyLines([config])?.id).toBe("model_not_found");
    const smi = "/aio/entrypoint.sh: line 26: nvidia-smi: command not found";
    const cpu =
      "NVIDIA GPU detected via WSL2, but nvidia-smi is not installed. GPU acceleration will not be available.";
    expect(classifyLines([smi, cpu])).toBeUndefined();
    expect(classifyLines([smi])?.id).toBe("exec_not_found");
    const wsl =
      "I1116 08:11:48.964093 2701 dxcore.c:208] Core Nvidia library libcuda.so.1.1 not found in " +
      "/usr/lib/wsl/drivers/iigd_dch.inf_amd64";
    expect(classifyLines([wsl])).toBeUndefined();
  });

  it("a node's web folder that Windows refused to link is a failure a person must mend, not a fallback", () => {
    // ComfyUI asks for a copy by hand: until then the node's page is missing (two of three collectors said so).
    const link =
      "[WinError 1314] A required privilege is not held by the client: 'C:\\ComfyUI\\custom_nodes\\Foo\\js' -> " +
      "'C:\\ComfyUI\\web\\extensions\\Foo'";
    const copy = "Failed to create symlink to C:\\ComfyUI\\web\\extensions\\Foo. Please copy the folder manually.";
    expect(classifyLines([link, copy])?.id).toBe("permission_denied");
  });

  it("a failure the log shows to have passed names nothing: a retry, a server that came up, a stop", () => {
    // huggingface_hub retries a download whose connect timed out, its notice on a line of its own.
    const connect =
      "huggingface_hub.utils._http - WARNING - '(MaxRetryError(\"HTTPSConnectionPool(host='huggingface.co', " +
      "port=443): Max retries exceeded with url: /x/resolve/main/modules.json (Caused by ConnectTimeoutError(";
    expect(classifyLines([connect, "huggingface_hub.utils._http - WARNING - Retrying in 1s [Retry 1/5]."])).toBe(
      undefined,
    );
    expect(classifyLines([connect])?.id).toBe("hub_unreachable");
    // A launcher polls its local server while it starts, then sees it answer.
    const refused =
      "ERROR - Health check failed: HTTPConnectionPool(host='127.0.0.1', port=8001): Max retries exceeded with " +
      "url: /health (Caused by NewConnectionError('Failed to establish a new connection: " +
      "[Errno 111] Connection refused'))";
    const ready = "INFO - API server is ready and responding to requests";
    expect(classifyLines([refused, refused, "INFO - Loaded embedding model", ready])).toBeUndefined();
    expect(classifyLines([refused])?.id).toBe("engine_dead");
    // docker compose stops the stack; a container that did not stop in 10 s is killed (exit 137).
    const down = ["chroma-1  | INFO:     Application shutdown complete.", "chroma-1 exited with code 0"];
    expect(classifyLines([...down, "ollama exited with code 137"])).toBeUndefined();
    expect(classifyLines(["ollama exited with code 137"])?.id).toBe("host_oom");
    // A connection reset while a model file downloads is the hub's.
    const reset =
      "requests.exceptions.ConnectionError: ('Connection aborted.', ConnectionResetError(10054, 'An existing " +
      "connection was forcibly closed by the remote host', None, 10054, None))";
    expect(classifyLines([reset, "[XTTS] Downloading config.json..."])?.id).toBe("hub_unreachable");
  });

  it("vLLM's engine reported dead after its own shutdown names nothing", () => {
    const done = "(APIServer pid=1) INFO 08-21 10:24:34 [core_client.py:662] [shutdown] MPClient: complete";
    const dead =
      "(APIServer pid=1) ERROR 08-21 10:24:34 [async_llm.py:704] vllm.v1.engine.exceptions.EngineDeadError: " +
      "EngineCore encountered an issue. See stack trace (above) for the root cause.";
    expect(classifyLines([done, dead])).toBeUndefined();
    expect(classifyLines([dead])?.id).toBe("engine_dead");
  });

  it("a warning's excuse is spent on its own import error, and a later one that stops the program is named", () => {
    const warning = "A matching Triton is not available, some optimizations will not be enabled.";
    const caught = "Error caught was: No module named 'triton.language'";
    const stop = "ImportError: cannot import name 'CrossAttention' from 'diffusers.models.attention'";
    expect(classifyLines([warning, caught])).toBeUndefined();
    expect(classifyLines([caught])).toBeUndefined();
    expect(classifyLines([warning, caught, "Traceback (most recent call last):", stop])?.id).toBe("missing_dependency");
  });

  // Each failure, then the line that shows it passed or did not matter: together they name nothing; the failure alone
  // names its cause.
  const passed: { why: string; failure: string[]; after: string[]; alone: string }[] = [
    {
      why: "TGI's router without the Python tokenizer falls back on its own",
      failure: [
        "ERROR text_generation_router::server: Failed to import python tokenizer ModuleNotFoundError: No module " +
          "named 'transformers'",
      ],
      after: ["WARN text_generation_router::server: Odd tokenizer detected, falling back on legacy tokenization"],
      alone: "missing_dependency",
    },
    {
      why: "Crystools monitors no GPU without pynvml",
      failure: ["[Crystools ERROR] pynvml is not installed. No module named 'pynvml'"],
      after: ["[Crystools WARNING] No GPU monitoring libraries available."],
      alone: "missing_dependency",
    },
    {
      why: "A1111 builds the model without weights first, and the slow way when that fails",
      failure: [
        "OSError: None is not a local folder and is not a valid model identifier listed on " +
          "'https://huggingface.co/models'",
      ],
      after: ["", "Failed to create model quickly; will retry using slow method."],
      alone: "model_not_found",
    },
    {
      why: "NVIDIA's installer checks for libglvnd and installs it",
      failure: ["   Can't load library libGLdispatch.so.0: libGLdispatch.so.0: cannot open shared object file"],
      after: ["Will install libglvnd libraries."],
      alone: "missing_library",
    },
    {
      why: "diffusers could not reach the hub and loads from its cache",
      failure: [
        "Couldn't connect to the Hub: (ProtocolError('Connection aborted.', RemoteDisconnected('Remote end " +
          "closed connection without response')), '(Request ID: 1b2c)')",
      ],
      after: ["Will try to load from local cache."],
      alone: "hub_unreachable",
    },
    {
      why: "a moshi task failed because its WebSocket client had gone",
      failure: ['ERROR moshi_server::utils: task failed name="send_loop" err=WebSocket protocol error'],
      after: ["", "Caused by:", "    1: Sending after closing is not allowed"],
      alone: "job_failed",
    },
    {
      why: "gunicorn retried a taken port, then listened",
      failure: [
        "[2025-10-10 12:07:00 +0000] [23693] [ERROR] Connection in use: ('127.0.0.1', 8000)",
        "[2025-10-10 12:07:00 +0000] [23693] [ERROR] connection to ('127.0.0.1', 8000) failed: [Errno 98] Address " +
          "already in use",
      ],
      after: ["[2025-10-10 12:07:03 +0000] [23693] [INFO] Listening at: http://127.0.0.1:8000 (23693)"],
      alone: "port_in_use",
    },
  ];
  for (const c of passed) {
    it(`${c.why}: names nothing; the failure alone is ${c.alone}`, () => {
      expect(classifyLines([...c.failure, ...c.after])).toBeUndefined();
      expect(classifyLines(c.failure)?.id).toBe(c.alone);
    });
  }

  // A line that says a failure passed (a retry that goes on, a server that answered, a fallback) looks back only: the
  // same line before a failure excuses nothing.
  const later: { recovery: string; failure: string; id: string }[] = [
    {
      recovery: "INFO - API server is ready and responding to requests",
      failure: "vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue.",
      id: "engine_dead",
    },
    {
      recovery: "[2025-10-10 12:07:03 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)",
      failure: "OSError: [Errno 98] Address already in use",
      id: "port_in_use",
    },
    {
      recovery: "huggingface_hub.utils._http - WARNING - Retrying in 1s [Retry 1/5].",
      failure: "huggingface_hub.errors.LocalEntryNotFoundError: cannot find the requested files in the disk cache",
      id: "hub_unreachable",
    },
    {
      recovery: "Will try to load from local cache.",
      failure: "OSError: We couldn't connect to 'https://huggingface.co' to load this file",
      id: "hub_unreachable",
    },
    {
      recovery: "Will install libglvnd libraries.",
      failure: "error while loading shared libraries: libcuda.so.1: cannot open shared object file",
      id: "missing_library",
    },
    {
      recovery: "Failed to create model quickly; will retry using slow method.",
      failure: "OSError: None is not a local folder and is not a valid model identifier",
      id: "model_not_found",
    },
  ];
  for (const c of later) {
    it(`a recovery before a ${c.id} excuses nothing: ${c.recovery}`, () => {
      expect(classifyLines([c.recovery, "INFO started", c.failure])?.id).toBe(c.id);
    });
  }

  it("a service's shutdown outside docker compose does not excuse an OOM kill after it", () => {
    const oom = "Out of memory: Killed process 42 (python3) total-vm:9000kB, anon-rss:8000kB, file-rss:0kB";
    expect(
      classifyLines(["INFO:     Application shutdown complete.", "INFO:     Started server process", oom])?.id,
    ).toBe("host_oom");
    expect(classifyLines(["INFO:     Application shutdown complete.", "ollama exited with code 137"])?.id).toBe(
      "host_oom",
    );
  });
});
