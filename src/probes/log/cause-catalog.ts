/**
 * The built-in cause catalog: which failure a log line most probably means, highest priority first (the root cause
 * before its consequences: a lost GPU before the CUDA error it causes, an OOM before the engine that died of it,
 * and the wrappers — runner/engine died, job failed — last). Every pattern was written from real failure output
 * (test/fixtures/causes/corpus.txt, with the source of each excerpt) as a family of wordings, not one line.
 * Rules for a pattern here: case variants are spelled out (`[Nn]o`), never the `i` flag, and each one has a literal
 * of 8+ bytes that every match contains, so the byte prefilter finds candidate lines without running the regex
 * (test/probes/log/causes.test.ts checks both). Harmless look-alikes are excluded in the pattern itself (lookbehind).
 * Every pattern is matched by a linear-time engine (RE2 syntax): no lookahead, no backreference.
 */

import type { Locale } from "../../core/status.js";

export type { Locale } from "../../core/status.js";

/** Cause is one entry of the catalog. */
export type Cause = {
  id: string;
  regexes: RegExp[];
  text: Record<Locale, { explain: string; action: string }>;
  /** A wrapper says that something failed, not why: any other cause found in the same read wins over it. */
  wrapper?: boolean;
  /** False for a cause no restart of the service can fix (the host, driver, disk or install must change first). */
  restartHelps?: false;
};

// Patterns with non-ASCII text are escaped strings, not regex literals: esbuild copies a literal's characters into
// the bundle as they are, and one non-ASCII character there makes V8 hold the whole bundle as two bytes a character.
// (A \u escape inside a regex literal would not do: RE2 reads its `.source` and knows no \u.)
const XID = (codes: string) => new RegExp(`Xid \\(PCI:[^)]*\\): (?:${codes})\\b`);
const t = (en: [string, string], zh: [string, string]): Cause["text"] => ({
  en: { explain: en[0], action: en[1] },
  "zh-CN": { explain: zh[0], action: zh[1] },
});

/** CAUSES is the catalog, highest priority first. */
export const CAUSES: readonly Cause[] = [
  {
    id: "gpu_lost",
    restartHelps: false,
    regexes: [
      XID("79"),
      /fallen off the bus/,
      /GPU is lost/,
      /RmInitAdapter(?: failed|: Cannot initialize)/,
      /Unable to determine the device handle for GPU.*: Unknown Error/,
    ],
    text: t(
      [
        "the GPU fell off the bus or failed to initialize, and no longer answers",
        "reboot the host; if it repeats, check power, cooling and the PCIe riser",
      ],
      ["GPU 已从总线掉线或初始化失败，不再响应", "重启主机；如反复出现，检查供电、散热和 PCIe 连接"],
    ),
  },
  {
    id: "gpu_hw_memory",
    regexes: [
      XID("48|63|64|92|94|95"),
      /uncorrectable double bit error/,
      /Dynamic Page Retirement: Fatal error/,
      /[Uu]ncorrectable ECC error/,
      /ECC_UNCORRECTABLE/,
      /Contained ECC error/,
    ],
    text: t(
      [
        "GPU memory ECC error (hardware)",
        "restart the service; reset the GPU or reboot if it repeats, and check nvidia-smi -q -d ECC",
      ],
      ["GPU 显存 ECC 错误（硬件）", "重启服务；反复出现时重置 GPU 或重启主机，并查看 nvidia-smi -q -d ECC"],
    ),
  },
  {
    id: "gpu_hang",
    regexes: [
      XID("119|109|62"),
      /Rate limiting GSP RPC/,
      /GSP RPC timeout|GSP RPC Timeout/,
      /Timeout after \d+s of waiting for RPC response/,
      /waiting for RPC from GSP/,
      /NV_ERR_RESET_REQUIRED/,
      /_kgspLogRpcTimeout/,
      /GPU requires reset/,
    ],
    text: t(
      [
        "the GPU stopped responding (timeout in the driver or GSP firmware)",
        "reset the GPU (nvidia-smi -r) or reboot the host",
      ],
      ["GPU 停止响应（驱动或 GSP 固件超时）", "重置 GPU（nvidia-smi -r）或重启主机"],
    ),
  },
  {
    id: "gpu_firmware",
    regexes: [XID("61|120"), /GSP task exception/],
    text: t(
      ["GPU firmware error", "reset the GPU or reboot; update the driver if it repeats"],
      ["GPU 固件错误", "重置 GPU 或重启主机；反复出现时升级驱动"],
    ),
  },
  {
    id: "nvml_mismatch",
    restartHelps: false,
    regexes: [
      /Driver\/[Ll]ibrary version mismatch/,
      /NVMLError_LibRmVersionMismatch/,
      /NVRM: API mismatch: the client has the version/,
    ],
    text: t(
      [
        "the NVIDIA kernel module and the user-space driver libraries differ (driver upgraded without a reboot)",
        "reboot the host, or unload and reload the nvidia kernel modules; " +
          "pin the driver packages against unattended upgrades",
      ],
      [
        "NVIDIA 内核模块与用户态驱动库版本不一致（升级驱动后未重启）",
        "重启主机，或卸载并重新加载 nvidia 内核模块；锁定驱动包版本，避免自动升级",
      ],
    ),
  },
  {
    id: "cuda_driver_too_old",
    restartHelps: false,
    regexes: [
      /CUDA driver version is insufficient/,
      /cudaErrorInsufficientDriver/,
      /driver on your system is too old/,
      /CUDA_ERROR_SYSTEM_DRIVER_MISMATCH/,
      /forward compatibility was attempted on non supported HW/,
      /please update your driver to a newer version/,
      /compiled with an unsupported toolchain/,
      /CUDA_ERROR_UNSUPPORTED_PTX_VERSION/,
    ],
    text: t(
      [
        "the NVIDIA driver is older than the CUDA version the service was built for",
        "upgrade the NVIDIA driver, " +
          "or install a build of torch/the service for the CUDA version the driver supports (nvidia-smi shows it)",
      ],
      [
        "NVIDIA 驱动版本低于服务所用 CUDA 版本的要求",
        "升级 NVIDIA 驱动，或安装与驱动支持的 CUDA 版本匹配的 torch/服务版本（见 nvidia-smi）",
      ],
    ),
  },
  {
    id: "no_gpu",
    restartHelps: false,
    regexes: [
      /[Nn][Oo] CUDA GPUs are available/,
      /[Nn]o \**CUDA-capable device/,
      /CUDA-capable devices? ?(?:\(s\) )?(?:is|are|is\/are) busy or unavailable/,
      /CUDA driver initialization failed/,
      /cuInit failed|cuInit err/,
      /cudaErrorInitializationError/,
      /initialization error \(3\)/,
      /nvcuda init failure/,
      /cuda driver library (?:init failure|failed to get device context)/,
      /error looking up nvidia GPU memory/,
      /couldn.t communicate with the NVIDIA driver/,
      /Found no NVIDIA driver on your system/,
      /CUDA_ERROR_NO_DEVICE/,
      /nvidia-container-cli: initialization error/,
      /could not select device driver .* with capabilities: \[\[gpu\]\]/,
      /Torch is not able to use GPU/,
      /no compatible GPUs were discovered/,
      /No CUDA runtime is found/,
    ],
    text: t(
      [
        "no usable GPU: the driver is not loaded, " +
          "the device is not visible to the service (container, CUDA_VISIBLE_DEVICES) or it is busy",
        "check nvidia-smi on the host, the container's GPU flags (--gpus / runtime nvidia) and CUDA_VISIBLE_DEVICES; " +
          "reload the driver or reboot",
      ],
      [
        "没有可用的 GPU：驱动未加载、服务看不到设备（容器、CUDA_VISIBLE_DEVICES）或设备被占用",
        "在主机上运行 nvidia-smi，检查容器的 GPU 参数（--gpus / nvidia runtime）和 CUDA_VISIBLE_DEVICES；重新加载驱动或重启",
      ],
    ),
  },
  {
    id: "host_oom",
    regexes: [
      /Out of memory: Killed process/,
      /Memory cgroup out of memory/,
      /^(?:\[[^\]]*\] )?Killed process \d+ \(/,
      /invoked oom-killer/,
      /oom-kill:constraint=/,
      /killed by the OOM killer/,
      /Failed with result 'oom-kill'/,
      /^Killed$/,
      / Killed   /,
      /terminated: signal: killed/,
      /DefaultCPUAllocator: (?:not enough memory|can't allocate)/,
      /allocate CPU buffer/,
      /\[Errno 12\] Cannot allocate memory/,
      /zsh: killed +\S/,
      /^\[\d+\] +\d+ killed +\S/,
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
  },
  {
    id: "disk_full",
    restartHelps: false,
    regexes: [
      /No space left on device/,
      /no space left on device/,
      /\[Errno 28\]/,
      /ENOSPC: no space/,
      /Not enough free disk space/,
    ],
    text: t(
      [
        "the disk is full",
        "free space (old models in the hub cache, logs, docker images: df -h, du -sh), " +
          "or move the cache (HF_HOME, OLLAMA_MODELS) to a bigger disk",
      ],
      [
        "磁盘空间已满",
        "清理空间（模型缓存、日志、docker 镜像：df -h、du -sh），或把缓存（HF_HOME、OLLAMA_MODELS）移到更大的磁盘",
      ],
    ),
  },
  {
    id: "too_many_open_files",
    regexes: [/Too many (?:open files|files open)/, /\[Errno 24\]/, /accept EMFILE/, /EMFILE: too many/],
    text: t(
      [
        "the process hit its limit of open files (sockets count too)",
        "raise the limit (LimitNOFILE= in the systemd unit, ulimit -n, docker --ulimit nofile=), " +
          "and look for leaked connections",
      ],
      [
        "进程打开的文件数达到上限（连接也计入）",
        "提高上限（systemd 单元的 LimitNOFILE=、ulimit -n、docker --ulimit nofile=），并排查连接泄漏",
      ],
    ),
  },
  {
    id: "gpu_oom",
    regexes: [
      /CUDA out of memory/,
      /OutOfMemoryError/,
      /CUDA error: out of memory/,
      /CUBLAS_STATUS_ALLOC_FAILED/,
      /No available memory for the cache blocks/,
      /Allocation on device/,
      /MPS backend out of memory/,
      /cudaMalloc failed: out of memory/,
      /CUDA_ERROR_OUT_OF_MEMORY/,
      /(?:HIP|XPU) out of memory/,
      /(?:failed to|unable to) allocate CUDA\d* buffer/,
      /number of tokens that can be stored in KV cache/,
      /Got an OOM, unloading/,
      /OOM when allocating tensor/,
      /(?<!running )out of memory/,
      /Not enough memory\. Please try/,
      /less than desired GPU memory utilization/,
    ],
    text: t(
      [
        "GPU out of memory",
        "lower batch size, resolution or max_model_len / gpu_memory_utilization, or free the GPU from other processes",
      ],
      ["GPU 显存不足", "减小 batch、分辨率或 max_model_len / gpu_memory_utilization，或释放被其他进程占用的显存"],
    ),
  },
  {
    id: "shm_bus_error",
    regexes: [
      /Bus error|bus error/,
      /signal SIGBUS/,
      /received SIGBUS/,
      /insufficient shared memory/,
      /signal 7 \(SIGBUS\)|with signal 7\b/,
      /out of shared memory/,
      /status=7\/BUS/,
      /exit code:? -7\b/,
      /return code:? -7\b/,
      /exitcode  : -7\b/,
      /killed by signal: Bus/,
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
  },
  {
    id: "nccl",
    regexes: [
      /NCCL error/,
      /DistBackendError/,
      /ProcessGroupNCCL\.cpp:\d+\].*(?:watchdog thread terminated|Timeout at NCCL work)/,
      XID("74|14[4-9]|150"),
      /Watchdog caught collective operation timeout/,
      /nccl(?:InternalError|SystemError|UnhandledCudaError|RemoteError|InvalidUsage)/,
      /NCCL WARN /,
      /NCCL communicator was aborted/,
      /Some NCCL operations have failed/,
      /NCCL Error \d/,
      /NCCL failure/,
      /unhandled (?:system|cuda) error/,
      /remote process exited or there was a network error/,
    ],
    text: t(
      [
        "NCCL (multi-GPU communication) failed or timed out",
        "restart all ranks; run with NCCL_DEBUG=INFO and check NVLink/network health and that no rank is stuck",
      ],
      ["NCCL（多卡通信）出错或超时", "重启所有进程；用 NCCL_DEBUG=INFO 运行，检查 NVLink/网络以及是否有进程卡住"],
    ),
  },
  {
    id: "cuda_error",
    regexes: [
      /CUDA error:/,
      /device-side assert/,
      /CUDA kernel errors might be asynchronously reported/,
      XID("13|31|43|45"),
      /Triton Error \[CUDA\]/,
      /an illegal memory access was encountered/,
      /\.cu:\d+: .*Assertion `.*` failed/,
      /cudaErrorIllegalAddress/,
      /misaligned address/,
      /CUBLAS_STATUS_EXECUTION_FAILED/,
      /CUDNN_STATUS_(?:EXECUTION|INTERNAL)/,
      /no kernel image is available for execution/,
      /cuda runtime error \(/,
    ],
    text: t(
      [
        "CUDA error (illegal memory access, device-side assert or driver error)",
        "restart the service; rerun with CUDA_LAUNCH_BLOCKING=1 to find the failing call",
      ],
      [
        "CUDA 错误（非法内存访问、device-side assert 或驱动错误）",
        "重启服务；用 CUDA_LAUNCH_BLOCKING=1 重现以定位出错调用",
      ],
    ),
  },
  {
    id: "segfault",
    regexes: [
      /Segmentation fault|segmentation fault/,
      /signal SIGSEGV/,
      /EXC_BAD_ACCESS/,
      /signal 11 \(SIGSEGV\)|with signal 11\b/,
      /status=11\/SEGV/,
      /return code\s*=?\s*-11\b/,
      /(?:exit|exited with) code 139\b/,
      /(?:exit|exited with) status 139\b/,
      new RegExp("\u6bb5\u9519\u8bef"), // 段错误
      new RegExp("Violaci\u00f3n de [Ss]egmento"), // Violación de [Ss]egmento
      /Speicherzugriffsfehler/,
      /[Ee]rreur de segmentation/,
      /exit status 0xc0000005/,
    ],
    text: t(
      [
        "the process crashed with a segmentation fault",
        "restart the service; check native extensions and the torch/CUDA versions, and look for a core dump",
      ],
      ["进程因段错误（segfault）崩溃", "重启服务；检查原生扩展和 torch/CUDA 版本，并查看 core dump"],
    ),
  },
  {
    id: "illegal_instruction",
    regexes: [
      // Not CUDA's "an illegal instruction was encountered" (the linear-time engine has no lookahead).
      /Illegal instruction|illegal instruction(?: ?$|[^ ]| [^w]| w[^a])/,
      /signal SIGILL/,
      /trap invalid opcode/,
      /signal 4 \(SIGILL\)|with signal 4\b/,
      /exit status 0xc000001d/,
      /status=4\/ILL/,
      /illegal hardware instruction/,
      new RegExp("\u975e\u6cd5\u6307\u4ee4"), // 非法指令
      new RegExp("Instrucci\u00f3n ilegal"), // Instrucción ilegal
      new RegExp("Ung\u00fcltiger Maschinenbefehl"), // Ungültiger Maschinenbefehl
      new RegExp("Instruction ill\u00e9gale"), // Instruction illégale
      // Недопустимая инструкция
      new RegExp(
        "\u041d\u0435\u0434\u043e\u043f\u0443\u0441\u0442\u0438\u043c\u0430\u044f " +
          "\u0438\u043d\u0441\u0442\u0440\u0443\u043a\u0446\u0438\u044f",
      ),
    ],
    text: t(
      [
        "the CPU does not support an instruction the program uses (often AVX/AVX2/AVX-512 on an old or virtual CPU)",
        "use a build without those instructions (e.g. llama.cpp with -DGGML_AVX2=OFF), " +
          "or expose the host CPU flags to the VM (host-passthrough)",
      ],
      [
        "CPU 不支持程序使用的指令（常见于旧 CPU 或虚拟机缺少 AVX/AVX2/AVX-512）",
        "使用不含这些指令的版本（如 llama.cpp 以 -DGGML_AVX2=OFF 编译），或让虚拟机透传宿主 CPU 特性（host-passthrough）",
      ],
    ),
  },
  {
    id: "port_in_use",
    regexes: [
      /\[Errno 98\]/,
      /\[Errno 48\]/,
      /\[Errno 10048\]/,
      /\[WinError 10048\]/,
      /bind address \[10048\]/,
      /[Aa]ddress already in use/,
      /Cannot find empty port/,
      /[Oo]nly one usage of each socket address/,
      /All ports from \d+ to \d+ are in use/,
      new RegExp("\u901a\u5e38\u6bcf\u4e2a\u5957\u63a5\u5b57\u5730\u5740"), // 通常每个套接字地址
    ],
    text: t(
      [
        "the port is already taken, so the server could not start",
        "find the holder with `ss -ltnp` (Windows: netstat -ano) and stop it (often an old copy of this service), " +
          "or change the port",
      ],
      [
        "端口已被占用，服务无法启动",
        "用 `ss -ltnp`（Windows：netstat -ano）找到占用者并停止（常是本服务的旧进程），或更换端口",
      ],
    ),
  },
  {
    id: "hub_unreachable",
    regexes: [
      /couldn.t connect to .https?:\/\/[^ ]*huggingface/,
      /LocalEntryNotFoundError/,
      /cannot find the requested files in the (?:local|disk) cache/,
      /HTTPSConnectionPool\(host='(?:huggingface\.co|hf-mirror\.com|cdn-lfs[^']*)'/,
      /Connection to huggingface\.co timed out/,
      /outgoing traffic has been disabled/,
      /Couldn.t reach '[^']*' on the Hub/,
      /Couldn.t reach https?:\/\/[^ ]*huggingface/,
      /OfflineModeIsEnabled/,
      /registry\.ollama\.ai.*(?:dial tcp|i\/o timeout|TLS handshake)/,
    ],
    text: t(
      [
        "the model hub (Hugging Face, Ollama registry) cannot be reached and the model is not in the local cache",
        "check DNS, proxy and firewall (or set HF_ENDPOINT to a mirror); " +
          "or download the model beforehand and run offline (HF_HUB_OFFLINE=1, a local path)",
      ],
      [
        "无法连接模型仓库（Hugging Face、Ollama registry），且本地缓存中没有该模型",
        "检查 DNS、代理和防火墙（或设置 HF_ENDPOINT 使用镜像）；或预先下载模型并离线运行（HF_HUB_OFFLINE=1、本地路径）",
      ],
    ),
  },
  {
    id: "model_not_found",
    restartHelps: false,
    regexes: [
      /is not a local folder and is not a valid model identifier/,
      /RepositoryNotFoundError/,
      /Repository Not Found for url/,
      /does not appear to have a file named/,
      /Error no file named /,
      /Unable to load weights from checkpoint file/,
      /model ['"][^'"]+['"] not found, try pulling it first/,
      /pull model manifest: (?:file does not exist|model not found)/,
      /No such file or directory: .*\.(?:safetensors|bin|ckpt|pth?|gguf|onnx)'/,
      /GatedRepoError|Cannot access gated repo/,
      /\b40[134] Client Error\. \(Request ID: /,
      /\b40[134] Client Error: [^:]*for url: https:\/\/huggingface\.co\//,
      /(?<!Local)EntryNotFoundError/,
    ],
    text: t(
      [
        "the model (or its weights) was not found at the configured name or path",
        "check the model name/path in the service's config; " +
          "download the weights (huggingface-cli download, ollama pull) or log in for gated models",
      ],
      [
        "在配置的名称或路径下找不到模型（或其权重文件）",
        "检查服务配置中的模型名称/路径；下载权重（huggingface-cli download、ollama pull），受限模型需先登录",
      ],
    ),
  },
  {
    id: "missing_dependency",
    restartHelps: false,
    regexes: [
      /ModuleNotFoundError/,
      /ImportError/,
      /(?<!Error caught was: )No module named/,
      /IMPORT FAILED/,
      /module for custom nodes: /,
      /cannot import name '/,
    ],
    text: t(
      [
        "a Python module is missing or fails to import",
        "install it in the service's environment (pip install ...) and restart",
      ],
      ["缺少 Python 模块或导入失败", "在服务所用环境中安装（pip install ...）后重启"],
    ),
  },
  {
    id: "runner_not_started",
    wrapper: true,
    regexes: [
      /timed out waiting for llama runner to start/,
      /failed to start a llama runner/,
      /llama runner process has terminated/,
      /llama runner terminated/,
      /llama runner process no longer running/,
      /error loading llama server/,
    ],
    text: t(
      [
        "the model runner (Ollama's llama server) did not start or died while loading",
        "read the runner's lines before this one for the reason; for slow loads raise OLLAMA_LOAD_TIMEOUT",
      ],
      [
        "模型运行进程（Ollama 的 llama server）未能启动或在加载时退出",
        "查看此行之前运行进程的日志找原因；加载慢时调大 OLLAMA_LOAD_TIMEOUT",
      ],
    ),
  },
  {
    id: "engine_dead",
    wrapper: true,
    regexes: [
      /EngineDeadError/,
      /Engine loop has died/,
      /MQLLMEngine is already dead/,
      /Background loop has errored already/,
      /EngineCore encountered (?:an issue|a fatal error)/,
      /Engine core initialization failed/,
      /EngineCore failed to start/,
      /Engine core proc \S+ died unexpectedly/,
      /Engine process failed to start/,
    ],
    text: t(
      [
        "the inference engine (vLLM EngineCore) died; requests fail until the server restarts",
        "restart the service; the engine's own error above this line says why (OOM, CUDA error, NCCL)",
      ],
      [
        "推理引擎（vLLM EngineCore）已退出，重启服务前请求都会失败",
        "重启服务；引擎在此行之前的报错说明原因（显存不足、CUDA 错误、NCCL）",
      ],
    ),
  },
  {
    id: "job_failed",
    wrapper: true,
    regexes: [/!!! Exception during processing ?!!!/],
    text: t(
      [
        "a job failed with an exception (see the lines after it)",
        "read the traceback in the log; the service itself may still be up",
      ],
      ["任务执行异常（见其后的日志行）", "查看日志中的 traceback；服务本身可能仍在运行"],
    ),
  },
];
