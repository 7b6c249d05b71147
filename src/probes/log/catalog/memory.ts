/**
 * Memory causes. Host or GPU memory is told by the words around "out of memory": the host's causes come first and
 * name the host's wordings (the kernel's OOM killer, Ray's memory monitor, pinned host buffers, ENOMEM, MemoryError),
 * so that a line with both reads as the host's; the GPU's generic "out of memory" comes after them.
 */
import { type Cause, EXIT, GOES_ON, t } from "./types.js";

/**
 * SIGKILL_SAID is a process's death by SIGKILL as shells, systemd, Python and docker say it: the OOM killer, or a
 * watchdog, or a person. host_oom's carrier on its own, and its weak pattern with a line about memory.
 */
const SIGKILL_SAID = [
  /^Killed$/,
  // The same indented (a shell session pasted as a block).
  /(?<=^ *) Killed$/,
  // The same after a progress bar, which ends without a newline (tqdm's `3/8 [00:02<00:03,  1.28it/s]Killed`).
  /\/s\]Killed$|s\/it\]Killed$/,
  / Killed   /,
  // zsh's and bash's report of a job in lower case (`[1]    9301 killed     python3 ...`).
  /zsh: killed +\S/,
  /(?:^|\])\[\d+\] +\d+ killed +\S/,
  /code=killed, status=9\/KILL/,
  /<Signals\.SIGKILL: 9>/,
  EXIT(137),
];

export const hostOom: Cause = {
  id: "host_oom",
  regexes: [
    // Kernels before 4.19 say `Out of memory: Kill process 3882 (python) score 623 or sacrifice child`.
    /Out of memory: Killed process|OOM: Killed process|Out of memory: Kill process \d+/,
    // earlyoom's own kill (`sending SIGTERM to process 7378 uid 1000 "tail": oom_score 156, VmRSS 4962 MiB`).
    /: oom_score \d+, VmRSS /,
    // systemd-oomd's kill of a unit's processes under memory pressure.
    /systemd-oomd killed \d+ process|for killing due to memory pressure/,
    // TensorFlow's pinned host buffers (`failed to alloc 1073741824 bytes on host: CUDA_ERROR_OUT_OF_MEMORY`).
    /bytes on host: CUDA_ERROR_OUT_OF_MEMORY|could not allocate pinned host memory/,
    // Windows' commit limit (ERROR_COMMITMENT_LIMIT, 1455): RAM and the paging file are used up.
    /paging file is too small|\[WinError 1455\]/,
    // Rust's io::Error carries the code in any Windows language (`(os error 1455)`).
    /\(os error 1455\)/,
    // ERROR_NOT_ENOUGH_MEMORY (8).
    /\[WinError 8\] |Not enough memory resources are available to process this command/,
    new RegExp("\u9875\u9762\u6587\u4ef6\u592a\u5c0f"), // 页面文件太小
    /Memory cgroup out of memory/,
    // At the start of the kernel's line: in dmesg, or after syslog's `kernel: ` (kern.log).
    /(?:^|kernel: )(?:\[[^\]]*\] )?Killed process \d+ \(/,
    /invoked oom-killer/,
    /oom-kill:constraint=/,
    // The task table only the OOM killer's report prints (dump_tasks), when its first lines are cut off.
    /Tasks state \(memory values in pages\)/,
    /[Pp]rocess killed \(out of memory\)/,
    // Not Ray's list of what may have killed a worker (`Some common causes include: (1) ... killed by the OOM killer`).
    /(?<!common causes include: [^\n]*)killed by the OOM killer/,
    /Failed with result 'oom-kill'/,
    /DefaultCPUAllocator: (?:not enough memory|can't allocate)/,
    // The same allocator's message without its name (a log that keeps the message only).
    /not enough memory: you tried to allocate \d+ bytes/,
    /allocate CPU buffer/,
    // ggml's CPU backend (llama.cpp, whisper.cpp) and Intel MKL's allocator: host RAM in their own words.
    /_cpu_buffer_type_alloc_buffer: failed to allocate|(?:mkl_malloc|aligned_alloc): failed to allocate/,
    // Not llama.cpp's warning that it could not mlock (or munlock) the model: it goes on unlocked.
    /(?<!failed to m(?:un)?lock[^\n]*)[Cc]annot allocate memory/,
    /std::bad_alloc/,
    // A desktop app's model server with too little RAM for the weights (vibe's whisper.cpp server).
    /not enough memory to load \S/,
    // Wan2GP's words for a generation that ran out of RAM.
    /you have unsufficient RAM|you have insufficient RAM/,
    // The same exception as MSVC's runtime words it, in ONNX Runtime's errors (`FAIL : bad allocation`).
    /(?:FAIL|Status Message) ?: bad allocation/,
    /(?<![A-Za-z_])MemoryError\b/,
    /Unable to allocate [\d.]+ [KMGTP]i?B for an array/,
    // Ray's memory monitor kills a task before the kernel would.
    /Task was killed due to the node running low on memory/,
    /killed due to memory pressure \(OOM\)/,
    /exceeds the memory usage threshold/,
    /ray-oom-prevention/,
    // A container over its memory limit (Kubernetes, docker inspect).
    // Not docker inspect's `OOMKilled false`.
    /OOMKilled(?:"?:? *true|\s+\d|,|$)/,
    // The kernel's memory cgroup OOM (`Task in /docker/6b45... killed as a result of limit of host`).
    /killed as a result of limit of /,
    // Page-locked (pinned) host buffers come from host RAM; not llama.cpp's warning that it goes on without one.
    /(?<!(?:WARNING|[Ww]arning): failed to allocate[^\n]*)of pinned memory: out of memory/,
    /insufficient memory \(attempted to allocate /,
    /(?:CPU|RAM|[Hh]ost) out of memory/,
    // A server that checks free RAM before loading (Ollama), and userspace OOM killers (earlyoom, systemd-oomd).
    // Spelled out whole: "not enough" alone is in every vLLM scheduler warning, and the byte prefilter keys on it.
    // Not Ollama's scheduler at INFO, which evicts another model to make room and goes on.
    /(?<!level=INFO[^\n]*)requires more system memory|not enough system memory/,
    /insufficient system memory|not enough host memory/,
    /[Ll]ow [Mm]emory! [Aa]t or below (?:SIGTERM|SIGKILL|sigterm|sigkill) limits/,
    /systemd-oomd\[\d+\]: Killed /,
    // systemd-oomd's list of candidates, printed as it kills the first.
    /systemd-oomd\[\d+\]: Considered \d+ cgroups for killing/,
    /low on resource: memory|Out of memory and no killable processes/,
    // Runtimes' own words for a failed heap allocation (Java, Node, Go, Rust): host RAM, never the GPU's.
    /java\.lang\.OutOfMemoryError|JavaScript heap out of memory/,
    /fatal error: runtime: out of memory|memory allocation of \d+ bytes failed/,
    // Schedulers' and orchestrators' own words for a job or container the kernel killed for memory (Slurm, k8s).
    /oom_kill events? in |Detected \d+ oom-kill event|OOM Killed|OOM killed|oom-killed|: Out Of Memory$/,
    // A launcher that says its backend died with the host's memory nearly full (SwarmUI).
    /[Mm]emory usage exceeded [\d.]+% just before/,
  ],
  // A process killed by SIGKILL (the shell's `Killed`, a parent's `died with SIGKILL`, exit 137): with nothing else
  // said, most probably the OOM killer; a line that names another cause (a watchdog's timeout) wins over it.
  carriers: [
    ...SIGKILL_SAID,
    // torchrun's report of a rank that died of SIGKILL.
    /Signal 9 \(SIGKILL\) received by PID|exitcode *: -9\b/,
    // gunicorn's guess when a worker it did not kill itself died of SIGKILL.
    /was sent SIGKILL! Perhaps out of memory/,
    // Every supervisor's words for a child that died of SIGKILL (supervisord, pm2 old and new, Python's subprocess).
    /terminated by (?:signal )?SIGKILL|via signal \[?SIGKILL|killed by signal 9\b/,
    /died with <Signals\.SIGKILL|by signal: 9\b/,
    // torch's DataLoader: `DataLoader worker (pid 3069) is killed by signal: Killed.`
    /is killed by signal: Killed/,
    // bash's and sh's report of a job that died of SIGKILL (`./start.sh: line 118:  7080 Killed  python ...`).
    /: line \d+: +\d+ [Kk]illed   |: line \d+: +\S+ Killed$/,
    /exited with code SIGKILL/,
    // Rust's report of a child's end (`Command exited with signal: Some(9)`).
    /with signal: Some\(9\)/,
    // Python's launchers give a signal as a negative return code (DeepSpeed's `exits with return code = -9`).
    /return code = -9$|returncode=-9\b/,
    // A `Killed` behind docker build's step prefix (`#14 107.3 Killed`), and A1111's launcher's report of the
    // command that died (`Error code: 137`), also behind that prefix.
    /^#\d+ [\d.]+ Killed$|(?:^|\d )Error code: 137$/,
    // celery's and billiard's, and a bare `killed` in lower case.
    /signal 9 \(SIGKILL\)/,
    /^killed$/,
    // A start script's report of the command line that died (Easy Diffusion: `Killed uvicorn server:app --port 9000`);
    // not `Killed idle connections`.
    /^Killed [a-z][\w.-]* [^\n]* --?[a-z]/,
  ],
  weak: {
    // Ollama's runner too (`signal: killed`): it kills its own runner as well.
    regexes: [...SIGKILL_SAID, /signal: killed/],
    // Lines about memory that name nothing themselves (a line that names a cause outright wins anyway).
    evidence: [/oom-kill|oom_kill|OOM killer|OOM-killer|oom-killer/, /memory pressure|[Mm]emory usage/, /anon-rss:/],
  },
  // A stop of a docker compose stack under way (compose's own words, or a service's shutdown behind compose's prefix
  // `name-1  | `): the SIGKILL that follows ends a container that did not stop in time (docker's 10 s), not one the
  // kernel killed for memory. Not a shutdown outside compose: a service started again may then be killed for memory.
  excuses: [
    /^[\w.-]+ +\| [^\n]*(?:Application shutdown complete|Waiting for application shutdown)|Gracefully stopping\.\.\./,
  ],
  text: t(
    [
      "the host ran out of RAM (the kernel OOM killer ended a process, or an allocation failed)",
      "lower batch size or workers, add swap or RAM, or set a memory limit on other services",
    ],
    [
      "主机内存耗尽（内核 OOM killer 杀掉了进程，或内存分配失败）",
      "减小 batch 或 worker 数，增加内存或 swap，或限制其他服务的内存",
    ],
  ),
};

export const gpuOom: Cause = {
  id: "gpu_oom",
  regexes: [
    // A1111's attention checks the GPU's free memory before it starts.
    /Not enough memory, use lower resolution/,
    // TensorRT's builder and runtime: GPU memory it asked for and did not get.
    /Error Code 2: OutOfMemory|Requested amount of GPU memory \(\d+ bytes\) could not be allocated/,
    /failed due to insufficient GPU memory/,
    /CUDA out of memory|CUDA Out of Memory|CUDA Out Of Memory/,
    // PaddlePaddle's allocator.
    /Out of memory error on GPU \d/,
    /OutOfMemoryError/,
    /CUDA error: out of memory/,
    /CUBLAS_STATUS_ALLOC_FAILED/,
    // accelerate's find_executable_batch_size halved the batch on every OOM down to nothing.
    /No executable batch size found, reached zero/,
    // transformers: a quantized model's device_map put modules on the CPU because the GPU had no room.
    /Some modules are dispatched on the CPU or the disk|enough GPU RAM to fit the quantized model/,
    // Vulkan (ncnn's upscalers, llama.cpp's Vulkan build): -2 is VK_ERROR_OUT_OF_DEVICE_MEMORY.
    /vkAllocateMemory failed \(?-2\b|VK_ERROR_OUT_OF_DEVICE_MEMORY|vkAllocateMemory [Ff]ailed$/,
    // Apple's Metal (llama.cpp on a Mac): the GPU's command buffer ran out of memory.
    /kIOGPUCommandBufferCallbackErrorOutOfMemory/,
    // oneAPI's SYCL (Intel GPUs: ipex-llm).
    /PI_ERROR_OUT_OF_RESOURCES|UR_RESULT_ERROR_OUT_OF_DEVICE_MEMORY/,
    /No available memory for the cache blocks/,
    // TVM's device allocator (MLC-LLM): `Check failed: (result) is false: Failed to allocate N bytes with alignment`.
    /Failed to allocate \d+ bytes with alignment/,
    /Allocation on device/,
    /MPS backend out of memory/,
    // The same in Chinese: 显存不足, 显存溢出, 显存不够 (not enough GPU memory), 爆显存.
    new RegExp("\u663e\u5b58\u4e0d\u8db3|\u663e\u5b58\u6ea2\u51fa|\u663e\u5b58\u4e0d\u591f|\u7206\u663e\u5b58"),
    /cudaMalloc failed: out of memory/,
    /CUDA_ERROR_OUT_OF_MEMORY/,
    /(?:HIP|XPU) out of memory/,
    // ggml's allocators name the device's buffer (`failed to allocate Vulkan0 buffer`, `... CUDA0 buffer`).
    /(?:failed to|unable to) allocate (?:CUDA|Vulkan|ROCm|SYCL|Metal)\d* buffer/,
    /Device memory allocation of size \d+ failed/,
    // The KV cache does not fit what is left of the GPU (vLLM v1, llama.cpp).
    /larger than the available KV cache memory|failed to allocate buffer for kv cache/,
    // SGLang's check before the load: another process holds memory on some GPU of the group (at WARNING it goes on).
    new RegExp(`${GOES_ON}GPUs may be occupied by other processes`),
    // LMDeploy's engine sizing its KV cache and runtime buffers (`No enough gpu memory for kv cache.`).
    new RegExp(`${GOES_ON}No enough gpu memory\\b`),
    /number of tokens that can be stored in KV cache/,
    /Got an OOM, unloading/,
    /OOM when allocating tensor/,
    // Not a guess at what a failure usually means (`This usually means it ran out of memory`): the error it carries is
    // the cause.
    /(?<!running |Perhaps |usually means it ran |(?:WARNING|[Ww]arning): failed to allocate[^\n]*)out of memory/,
    /Not enough memory\. Please try/,
    // TGI's warmup: the KV cache for the configured batch does not fit the GPU.
    /Not enough memory to handle \d+ (?:total tokens|prefill tokens)/,
    /less than desired GPU memory utilization/,
    /cudaErrorMemoryAllocation|ErrorOutOfDeviceMemory/,
  ],
  // llama.cpp's compute buffers did not fit: on the GPU unless a line of the read names the host's memory.
  carriers: [/failed to allocate compute (?:pp |tg )?buffers/],
  // A program that ran out of memory on one way of doing a step and does it another way (ComfyUI's tiled VAE decode,
  // llama.cpp's compute buffers without pipeline parallelism): the failure's lines before it name nothing.
  excuses: [
    /(?:out of memory|allocation failed)[^\n]*(?:[Rr]etrying with(?:out)? |[Ww]ill try (?:to )?\w+ each )/,
    // Ollama's scheduler after a load that ran out of memory: it loads again with a smaller context.
    /load failed; reducing automatic context and retrying/,
  ],
  text: t(
    [
      "GPU out of memory",
      "lower batch size, resolution or max_model_len / gpu_memory_utilization, or free the GPU from other processes",
    ],
    ["GPU 显存不足", "减小 batch、分辨率或 max_model_len / gpu_memory_utilization，或释放被其他进程占用的显存"],
  ),
};

export const shmBusError: Cause = {
  id: "shm_bus_error",
  regexes: [
    /Bus error|bus error|Bus Error/,
    /signal SIGBUS/,
    /received SIGBUS/,
    /\*\*\* SIGBUS (?:\(@0x[0-9a-f]+\) received by PID|received at time=)/,
    /insufficient shared memory/,
    /[Ss]ignal 7 \(SIGBUS\)|(?:with|by|due to) signal 7\b/,
    // PyTorch shares tensors between processes through files in /dev/shm: a full shm says "No space left".
    /unable to write to file <\/torch_/,
    /out of shared memory/,
    // NCCL could not make its segment in a /dev/shm that is too small (docker's 64 MB default).
    /Error while creating shared memory segment \/dev\/shm|failed to extend \/dev\/shm\//,
    // Ray's object store asked for more than /dev/shm holds (`request exceeds memory available in /dev/shm`).
    /exceeds memory available in \/dev\/shm/,
    // Triton's Python backend could not size its region in /dev/shm (docker's 64 MB default).
    /Unable to initialize shared memory key '/,
    /status=7\/BUS/,
    /exit code:? -7\b/,
    /return code:? -7\b/,
    /exitcode  : -7\b/,
    /killed by signal: Bus/,
    EXIT(135),
  ],
  text: t(
    [
      "a process died of SIGBUS, usually because shared memory (/dev/shm) is too small",
      "in docker give the container more shared memory (--shm-size=8g or --ipc=host); " +
        "elsewhere enlarge /dev/shm; or use fewer DataLoader workers",
    ],
    [
      "进程因 SIGBUS 退出，通常是共享内存（/dev/shm）太小",
      "docker 中增大容器共享内存（--shm-size=8g 或 --ipc=host）；其他环境扩大 /dev/shm；或减少 DataLoader worker",
    ],
  ),
};
