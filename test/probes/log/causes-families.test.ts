import { describe, expect, it } from "vitest";
import { CAUSES, classifyLine, classifyLines, restartCannotFix } from "../../../src/probes/log/causes.js";
import { requiredLiterals } from "../../../src/probes/log/log-prefilter.js";

// Families by mechanism (errno, exit status and signal, loader, hub, RPC boundary), each line as posted in a public
// thread (source after it). A family is caught by what it says happened, whichever vendor words it.
const FAMILIES: [string, string][] = [
  // EACCES / 13 on a model, cache or data path
  [
    "PermissionError: [Errno 13] Permission denied: '/home/ubuntu/.cache/huggingface/hub/5eabefcc6a51c24ac6347df607707a3f297c557549905ac98cdeabc0f86905a8.6547fa3d76c979e5bda1b1690be6db4605abf9c528b8fc58b823cec1becf0fca.lock'",
    "permission_denied",
  ], // speechbrain/speechbrain#1401
  ["[rank1]: PermissionError: [Errno 13] Permission denied: '/.cache'", "permission_denied"], // opendatahub-io/ilab-on-ocp#26
  // a corrupt or partial model file
  ["safetensors_rust.SafetensorError: Error while deserializing header: MetadataIncompleteBuffer", "model_corrupt"], // lyogavin/airllm#137
  ["_pickle.UnpicklingError: invalid load key, '<'.", "model_corrupt"], // pytorch/pytorch#16203
  ["RuntimeError: PytorchStreamReader failed reading zip archive: failed finding central directory", "model_corrupt"], // CompVis/stable-diffusion#93
  ["gguf_init_from_file: invalid magic characters 'vers'", "model_corrupt"], // OpenBMB/MiniCPM#250
  ["gguf_init_from_file: invalid magic number 67676a74", "model_corrupt"], // ggml-org/llama.cpp#3492
  // EADDRNOTAVAIL / 99 (49 on macOS), not EADDRINUSE
  ["OSError: [Errno 99] Cannot assign requested address", "address_unavailable"], // zhangwenxiao/GPU-Manager#1
  [
    "ERROR:    [Errno 99] error while attempting to bind on address ('::1', 8000, 0, 0): cannot assign requested address",
    "address_unavailable",
  ], // abetlen/llama-cpp-python#77
  ["OSError: [Errno 49] Can't assign requested address", "address_unavailable"], // jqiang/hls-stream#1
  // the dynamic loader, for any .so
  [
    "./build/tools/caffe: error while loading shared libraries: libcudnn.so.5: cannot open shared object file: No such file or directory",
    "missing_library",
  ], // BVLC/caffe#5092
  [
    "Could not load library libcudnn_ops_infer.so.8. Error: libcudnn_ops_infer.so.8: cannot open shared object file: No such file or directory",
    "missing_library",
  ], // jhj0517/Whisper-WebUI#294
  ["ImportError: libGL.so.1: cannot open shared object file: No such file or directory", "missing_library"], // kjanko/python-fingerprint-recognition#23
  [
    "Unable to load any of {libcudnn_ops.so.9.1.0, libcudnn_ops.so.9.1, libcudnn_ops.so.9, libcudnn_ops.so}",
    "missing_library",
  ], // daswer123/xtts-finetune-webui#18
  // exec not found: exit 127, systemd 203/EXEC, ENOENT of a binary
  [
    'docker: Error response from daemon: OCI runtime create failed: container_linux.go:380: starting container process caused: exec: "nvidia-smi": executable file not found in $PATH: unknown.',
    "exec_not_found",
  ], // google-deepmind/alphafold#374
  ["FileNotFoundError: [Errno 2] No such file or directory: 'nvidia-smi': 'nvidia-smi'", "exec_not_found"], // peci1/nvidia-htop#23
  ["autosuspend.service: Main process exited, code=exited, status=203/EXEC", "exec_not_found"], // languitar/autosuspend#52
  // a hang or timeout the framework itself reports
  ["[2025-03-09 00:57:15 TP4] Watchdog timeout (self.watchdog_timeout=300)", "hang_timeout"], // sgl-project/sglang#3752
  // EDQUOT / 122 is a full disk for the service
  ["OSError: [Errno 122] Disk quota exceeded: 'out/intermediate.ntw'", "disk_full"], // KennthShang/HostG#7
  // hubs other than Hugging Face: ModelScope, Ollama's registry and its CDN, Civitai
  [
    "MaxRetryError: HTTPSConnectionPool(host='www.modelscope.cn', port=443): Max retries exceeded with url: /api/v1/models//revisions (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7fe43d8d0940>: Failed to establish a new connection: [Errno -2] Name or service not known'))",
    "hub_unreachable",
  ], // modelscope/ms-swift#1616
  [
    "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='www.modelscope.cn', port=443): Read timed out. (read timeout=60)",
    "hub_unreachable",
  ], // modelscope/modelscope#1518
  [
    'Error: Head "https://dd20bb891979d25aebc8bec07b2b3bbc.r2.cloudflarestorage.com/ollama/docker/registry/v2/blobs/sha256/ef/ef311de6af9db043d51ca4b1e766c28e0a1ac41d60420fed5e001dc470c64b77/data?X-Amz-Algorithm=AWS4-HMAC-SHA256": dial tcp: lookup dd20bb891979d25aebc8bec07b2b3bbc.r2.cloudflarestorage.com: no such host',
    "hub_unreachable",
  ], // ollama/ollama#3594
  [
    "INFO:app_logger:Error generating output HTTPSConnectionPool(host='civitai.com', port=443): Max retries exceeded with url: /api/download/models/169718 (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x000001EF62D60A10>, 'Connection to civitai.com timed out. (connect timeout=None)'))",
    "hub_unreachable",
  ], // piyushK52/comfy_runner#7
  // NVML initialisation inside a container that lost its devices
  ["Failed to initialize NVML: Unknown Error", "no_gpu"], // NVIDIA/nvidia-container-toolkit#817
  // host memory, by the words around it: Ray's memory monitor, pinned host buffers
  [
    "ERROR 03-21 17:27:44 [core.py:340] ray.exceptions.OutOfMemoryError: Task was killed due to the node running low on memory.",
    "host_oom",
  ], // vllm-project/vllm#15102
  [
    "(raylet) [2025-04-02 15:02:00,117 E 135782 135782] (raylet) node_manager.cc:3069: 1 Workers (tasks / actors) killed due to memory pressure (OOM), 0 Workers crashed due to other reasons at node (ID: 351e406b196f66bb45eaad02a3b8b4725babfa8cc12949432f7ad7d8, IP: 10.95.143.76) over the last time period. To see more information about the Workers killed on this node, use `ray logs raylet.out -ip 10.95.143.76`",
    "host_oom",
  ], // hiyouga/EasyR1#185
  ["ggml_cuda_host_malloc: failed to allocate 349659.17 MiB of pinned memory: out of memory", "host_oom"], // ollama/ollama#8964
  // llama.cpp's own bind wording
  ["main: couldn't bind HTTP server socket, hostname: 127.0.0.1, port: 8080", "port_in_use"], // neavo/OneClickLLAMA#10
  // a worker behind an RPC boundary died
  ["ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task.", "engine_dead"], // Simple-Efficient/RL-Factory#8
  // GPU firmware (GSP/FSP) dumps
  [
    "Feb 20 01:34:35 localhost kernel: NVRM: kflcnCoreDumpNondestructive_IMPL: PRI: riscvCpuctl           : 00000180",
    "gpu_firmware",
  ], // NVIDIA/open-gpu-kernel-modules#1031
  // an inference server says the model failed to load, and no more
  ["llama_load_model_from_file: failed to load model", "model_load_failed"], // abetlen/llama-cpp-python#755
  // host memory in an allocator's or a scheduler's own words
  ["RuntimeError: mkl_malloc: failed to allocate memory", "host_oom"], // Purfview/whisper-standalone-win#511
  ["ggml_backend_cpu_buffer_type_alloc_buffer: failed to allocate buffer of size 17179869216", "host_oom"], // mozilla-ai/llamafile#541
  ["slurmstepd: error: Detected 2 oom-kill event(s) in step 3756240.batch cgroup.", "host_oom"], // lanl/PyBNF#118
  // a program that is not there, in PowerShell's and .NET's words, and a command line run without a shell
  ["    + FullyQualifiedErrorId : CommandNotFoundException", "exec_not_found"], // rhasspy/piper#585
  [
    "[Error] Internal error in async task (check for core update): System.ComponentModel.Win32Exception (2): An error occurred trying to start process 'git' with working directory 'C:\\SwarmUI'.",
    "exec_not_found",
  ], // Stability-AI/StableSwarmUI#496
  [
    "FileNotFoundError: [Errno 2] No such file or directory: 'ffmpeg -y -i /tmp/gradio/in.wav -i /tmp/res.mp4 out.mp4'",
    "exec_not_found",
  ], // numz/sd-wav2lip-uhq#4
  // an inference server's own load failure (Triton), a request refused because no model is loaded
  [
    "E1113 01:01:00.327910 3545 model_repository_manager.cc:703] \"Invalid argument: ensemble 'ensemble' depends on 'tensorrt_llm' which has no loaded version.",
    "model_load_failed",
  ], // NVIDIA/TensorRT-LLM#2440
  ["2025-06-05 11:24:55 [ERROR] server: TTS request failed: Model not loaded.", "model_load_failed"], // devnen/Chatterbox-TTS-Server#9
  // a request whose handler raised (Flask)
  ["[2023-07-27 20:02:45,197] ERROR in app: Exception on /model [POST]", "job_failed"], // Sanster/IOPaint#354
  // a job's failure said by `Failed` alone (print(f"Failed to transcribe {name}: {e}"))
  ["Failed to transcribe chunk_003.wav: 'NoneType' object is not subscriptable", "job_failed"],
  // the nineteenth round's families, each in a sibling's words: Ubuntu's command-not-found hook and shells asked to
  // run a path that is not there; a model's folder or config named missing; a request the service gave up on
  ["Command 'python' not found, did you mean:", "exec_not_found"],
  ["-bash: /opt/cosyvoice/start.sh: No such file or directory", "exec_not_found"],
  ["zsh: no such file or directory: ./llama-server", "exec_not_found"],
  ["Exception: Model directory /srv/models/SenseVoiceSmall does not exist", "model_not_found"],
  ["ERROR: TTS request timed out after 120 seconds", "hang_timeout"],
  ["Windows fatal exception: access violation", "segfault"],
  [
    "OSError: [WinError 1314] A required privilege is not held by the client: '..\\..\\blobs\\4f1c'",
    "permission_denied",
  ],
  // a hub's 403 in Rust's hf-hub crate, a dependency's own not-installed exception, a server's own hang watchdog
  [
    'Could not get file "tokenizer.json" from API: RequestError(Status(403, Response[status: 403, status_text: Forbidden, url: https://huggingface.co/meta-llama/Meta-Llama-3.1-8B-Instruct/resolve/main/tokenizer.json]))',
    "model_not_found",
  ], // EricLBuehler/mistral.rs#621
  ["        raise LightningNotInstalledException(self)", "missing_dependency"], // NVIDIA-NeMo/Speech#3832
  [
    "[critical] [BlazeRunner] Output hang detected: no model output for 60001 ms with 3 in-flight generation(s)",
    "hang_timeout",
  ], // tenstorrent/tt-inference-server#3831
  // Windows refuses a bind to a port held for exclusive use or reserved (WSAEACCES)
  [
    "OSError: [Errno 10013] error while attempting to bind on address ('127.0.0.1', 8188): an attempt was made to access a socket in a way forbidden by its access permissions",
    "port_in_use",
  ], // Comfy-Org/ComfyUI#851
  [
    "Error: listen tcp 127.0.0.1:11434: bind: An attempt was made to access a socket in a way forbidden by its access permissions.",
    "port_in_use",
  ], // ollama/ollama#2627
  // an entrypoint tini cannot exec, a binary format nothing runs; CUDA 802 without Fabric Manager
  [
    "2024-03-13T13:36:25.168094375Z [FATAL tini (7)] exec /app/aphrodite-engine/docker/entrypoint.sh failed: No such file or directory",
    "exec_not_found",
  ], // dphnAI/sonar#317
  ["run-detectors: unable to find an interpreter for ./llava-v1.5-7b-q4.llamafile", "exec_not_found"], // mozilla-ai/llamafile#513
  ["  what():  Error (gpu_burn-drv.cpp:298): system not yet initialized", "no_gpu"], // wilicc/gpu-burn#92
  // a cut download caught by huggingface_hub's size check; Windows' access denied in Rust's words; inductor without Triton
  [
    "!!! Exception during processing !!! Consistency check failed: file should be of size 3387912120 but has size 338360005 (diffusion_pytorch_model.safetensors).",
    "model_corrupt",
  ], // kijai/ComfyUI-CogVideoXWrapper#242
  ["  Caused by: Access is denied. (os error 5)", "permission_denied"], // invoke-ai/InvokeAI#7686
  [
    "- **Exception Message:** Cannot find a working triton installation. Either the package is not installed or it is too old.",
    "missing_dependency",
  ], // kijai/ComfyUI-WanVideoWrapper#1400
  [
    '"UNAVAILABLE: Internal: unable to load plan file to auto complete config: /tmp/folder6QdWaa/1/model.plan"',
    "model_load_failed",
  ], // triton-inference-server/server#6059
  // a script whose #! interpreter is not there (CRLF line ends); torch's DLL on Windows; a hub's 5xx retries used up
  ["/bin/bash^M: bad interpreter: No such file or directory", "exec_not_found"], // netease-youdao/QAnything FAQ_zh.md
  ["error loading model: unexpectedly reached end of file", "model_corrupt"], // wombyz/gpt4all_langchain_chatbots#9
  ["gzip: stdin: unexpected end of file", "model_corrupt"],
  [
    'Error loading "C:\\User\\python\\Lib\\site-packages\\torch\\lib\\c10.dll" or one of its dependencies.',
    "missing_library",
  ], // Acly/krita-ai-diffusion docs
];

// Harmless look-alikes: each names nothing.
const HARMLESS = [
  // the words of a job at INFO: no failure said
  "INFO: starting to transcribe 3 files with whisper-large-v3",
  // a fallback that succeeds: diffusers could not fetch the preferred format and loads the other one
  "An error occurred while trying to fetch /tmp/tmpma808kx_: Error no file named diffusion_pytorch_model.safetensors found in directory /tmp/tmpma808kx_.", // huggingface/diffusers#10547
  "Defaulting to unsafe serialization. Pass `allow_pickle=False` to raise an error instead.", // huggingface/diffusers#10547
  // huggingface_hub goes on without its negative cache
  "Could not cache non-existence of file. Will ignore error and continue. Error: [Errno 13] Permission denied: '/models/hf_hub_shared_experiment/hub/models--meta-llama--Llama-3.2-1", // huggingface/datasets#7900
  // TensorFlow's probe for an optional CUDA library on a host without a GPU
  "2022-05-18 09:48:17.694351: W tensorflow/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic library 'libcudart.so.11.0'; dlerror: libcudart.so.11.0: cannot open shared object file: No such file or directory; LD_LIBRARY_PATH: /hwfssz1/ST_SUPERCELLS/P20Z10200N0059/panhailin/software/executable/miniconda3/envs/spateo/lib/python3.8/site-packages/opencv_python-4.5.5.64-py3.8-linux-x86_64.egg/cv2/../../lib64:/opt/gridengine/lib/lx-amd64:/opt/gridengine/lib/lx-amd64:/opt/openmpi/lib", // aristoteleo/spateo-release#120
  // SGLang's hang dump could not find py-spy: the hang is the failure, not py-spy
  "[2025-06-26 07:25:31 DP4 TP4] Pyspy failed to dump PID 113688. Error: /bin/bash: line 1: py-spy: command not found", // sgl-project/sglang#7553
  // programs that go on: koboldcpp without OpenBLAS, Megatron starting from scratch, an optional module at INFO
  "Warning: libopenblas.dll or koboldcpp_openblas.dll not found. Non-BLAS library will be used. Ignore this if you have manually linked with OpenBLAS.", // LostRuins/koboldcpp#46
  "WARNING: could not find the metadata file /gpfsscratch/rech/eha/commun/checkpoints/gpt2-meg-ds/latest_checkpointed_iteration.txt", // bigscience-workshop/bigscience
  "INFO [2023-12-01 08:08:04] - Failed to register_diffusers_quant e=ModuleNotFoundError(\"No module named 'diffusers_quant'\")", // siliconflow/onediff#392
  // a network client's cut answer is no cut model file
  "java.net.SocketException: Unexpected end of file from server",
  // c10d retries a connect and warns each time; the run goes on
  "[W socket.cpp:663] [c10d] The client socket has failed to connect to [bedroom01]:1107 (system error: 10049 - The requested address is not valid in its context.).", // RVC-Boss/GPT-SoVITS#298, in English
  // a request that timed out and is retried, and a timeout said at warning level: the service goes on
  "Request timed out after 30s, retrying (1/3)",
  "WARNING: health probe timed out after 5s",
];

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
  "INFO 11-18 18:45:28 metrics.py:351] Avg prompt throughput: 115 tokens/s, Avg generation throughput: 43.5 tokens/s, Running: 6 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 35.0%, CPU KV cache usage: 0.0%.",
  "2024-11-18 18:07:45,123 - cosyvoice - INFO - synthesizing 45 chars for speaker zh_female_4 in 0.53s",
  "Prompt executed in 12.34 seconds",
  'DEBUG:urllib3.connectionpool:https://huggingface.co:443 "HEAD /api/models/Qwen/Qwen2.5-7B-Instruct/revision/main HTTP/1.1" 200 1234',
  "WARNING 11-18 18:07:28 scheduler.py:1089] Sequence group 12345 is preempted by PreemptionMode.RECOMPUTE mode because there is not enough KV cache space.",
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
      "[rank2]:[E626 23:10:17.921506443 ProcessGroupNCCL.cpp:1896] [PG ID 2 PG GUID 3 Rank 2] Process group watchdog thread terminated with exception: CUDA error: an illegal memory access was encountered";
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
      "INFO 08-07 00:12:04 model_runner.py:984] CUDA graphs can take additional 1~3 GiB memory per GPU. If you are running out of memory, consider decreasing `gpu_memory_utilization` or enforcing eager mode.";
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
      "llama_model_load: error loading model: llama_model_loader: failed to load model from models/minicpm3-4b-fp16.gguf",
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
      "`ray.exceptions.RayTaskError(ActorDiedError): ray::TaskRunner.run() (pid=18948, ip=10.164.37.106, actor_id=2dbcd32867b5c511f131cbb201000000, repr=<main_ppo.TaskRunner object at 0x7f852c0b7490>)",
      "ERROR 03-21 17:27:44 [core.py:340] ray.exceptions.OutOfMemoryError: Task was killed due to the node running low on memory.",
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
