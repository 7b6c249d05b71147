/** Causes in the running service: NCCL, CUDA errors, crashes by signal, and hangs the framework reports itself. */
import { AFTER_XID, type Cause, EXIT, GOES_ON, IN_ERROR, t, XID } from "./types.js";

export const nccl: Cause = {
  id: "nccl",
  regexes: [
    /NCCL error/,
    /DistBackendError/,
    /ProcessGroupNCCL\.cpp:\d+\].*Timeout at NCCL work/,
    XID("74|14[4-9]|150"),
    AFTER_XID("74|14[4-9]|150"),
    /Watchdog caught collective operation timeout/,
    /WorkNCCL::checkTimeout/,
    // The same timeout under TORCH_NCCL_BLOCKING_WAIT (`Work WorkNCCL(...) timed out in blocking wait`).
    /WorkNCCL\(SeqNum=[^\n]* timed out in blocking wait|operation timeout: WorkNCCL/,
    /nccl(?:InternalError|SystemError|UnhandledCudaError|RemoteError|InvalidUsage)/,
    /NCCL WARN /,
    /NCCL communicator was aborted/,
    // ProcessGroupNCCL's heartbeat monitor: the watchdog itself hung (a hang in NCCL or CUDA), then the process is
    // ended on a collective's timeout or error.
    /ProcessGroupNCCL's watchdog got stuck|[Hh]eartbeat monitor timed out/,
    /dump debug info, due to collective timeout or exception/,
    // torch built without NCCL (Windows, macOS) asked for the nccl backend.
    /Distributed package doesn't have NCCL built in/,
    // accelerate on GPUs without P2P (RTX 3090 and 4000 series): NCCL needs NCCL_P2P_DISABLE and NCCL_IB_DISABLE.
    /doesn't support faster communication broadband via P2P or IB/,
    /NCCL Error \d|NCCL timeout/,
    /NCCL failure/,
    /unhandled (?:system|cuda) error/,
    /remote process exited or there was a network error/,
    // Gloo's transport, the other backend of torch.distributed: a peer that never sent or received.
    /Timed out waiting \d+ms for (?:send|recv) operation to complete/,
  ],
  // The watchdog reports the error that stopped a collective: that error (a CUDA error, an OOM) is the cause.
  carriers: [/watchdog thread terminated with exception/, /Some NCCL operations have failed/],
  // NCCL's RAS service (2.24+) could not listen: NCCL goes on without it.
  excuses: [/RAS failed to establish a client listening socket/],
  text: t(
    [
      "NCCL (multi-GPU communication) failed or timed out",
      "restart all ranks; run with NCCL_DEBUG=INFO and check NVLink/network health and that no rank is stuck",
    ],
    ["NCCL（多卡通信）出错或超时", "重启所有进程；用 NCCL_DEBUG=INFO 运行，检查 NVLink/网络以及是否有进程卡住"],
  ),
};

export const cudaError: Cause = {
  id: "cuda_error",
  regexes: [
    // Not a hint that quotes one as what may happen (bitsandbytes: "If you get `CUDA error: invalid device function`").
    /(?<!If you get `?)CUDA error:/,
    /device-side assert/,
    /CUDA kernel errors might be asynchronously reported/,
    XID("13|31|43|68"),
    AFTER_XID("13|31|43|68"),
    /Triton Error \[CUDA\]/,
    /an illegal memory access was encountered/,
    /\.cu:\d+: .*Assertion `.*` failed/,
    /cudaErrorIllegalAddress/,
    /!!!! kernel execution error/,
    /cuDNN failed to initialize|Failed to get convolution algorithm/,
    /CNMEM_STATUS_CUDA_ERROR|failed to call cu[A-Z]\w+: /,
    // ROCm (HIP) and the amdgpu driver: a kernel that touched memory it may not (`Memory access fault by GPU node-1`).
    /Memory access fault by GPU node-|amdgpu: \[(?:gfxhub|mmhub)\d*\] page fault/,
    /misaligned address/,
    // A child process forked after the parent used CUDA (the fix is the spawn start method).
    /Cannot re-initialize CUDA in forked subprocess/,
    // A kernel's own check with its source file (`CUDA error (.../flash_fwd_launch_template.h:188): invalid argument`);
    // cuDNN's frontend with no plan for the graph.
    /CUDA error \([^)]*\): |cuDNN Frontend error/,
    // CTranslate2 (faster-whisper): any CUDA call that failed, with CUDA's own words after it.
    /CUDA failed with error /,
    // Every cuBLAS failure but ALLOC_FAILED (out of memory, named above) and SUCCESS.
    /CUBLAS_STATUS_(?:EXECUTION_FAILED|NOT_SUPPORTED|INTERNAL_ERROR|ARCH_MISMATCH|INVALID_VALUE|MAPPING_ERROR)/,
    /CUDNN_STATUS_(?:EXECUTION|INTERNAL)/,
    // ONNX Runtime's CUDA provider: a cuDNN call that failed (its out of memory is named as such).
    /CUDNN error executing cudnn/,
    /no kernel image is available for execution/,
    // ggml's own check: the build has no code for this GPU's architecture.
    /has no device code compatible with CUDA arch/,
    /compiled without support for the current GPU architecture/,
    // cuFFT (torch.stft on the GPU).
    /cuFFT error: |CUFFT_INTERNAL_ERROR/,
    /cuda runtime error \(|CUDA runtime error: /,
    // ggml's older form, the driver API's names, and ROCm's HIP for the same failures.
    /CUDA error \d+ at /,
    // Custom kernels' checks (SGLang's and vLLM's all-reduce): `Cuda error FILE:LINE 'message'`.
    /[Cc]uda error \S+\.(?:cuh?|cpp|h):\d+ '|peer access is not supported between/,
    /CUDA_ERROR_(?:ILLEGAL_ADDRESS|LAUNCH_FAILED|ILLEGAL_INSTRUCTION|MISALIGNED_ADDRESS|ASSERT)/,
    /unspecified launch failure|cudaErrorLaunchFailure|hipErrorIllegalAddress|HIP error: |HIP Error: /,
    // ggml's ROCm build says its CUDA errors as ROCm's (`ROCm error: context is destroyed`).
    /ROCm error: |: ROCm error$/,
    // ggml's abort after a CUDA call failed (`ggml-cuda.cu:75: CUDA error`); the line before says which error.
    /\.cu:\d+: CUDA error$/,
    // torch's own CUDA check raised (its C++ frames on Windows name it).
    /from c10_cuda_check_implementation/,
  ],
  // Xid 45 is the driver's cleanup after an earlier error: the earlier one (another Xid, a CUDA error) is the cause.
  // A CUDA runtime call raised as an exception (`RuntimeError: cudaHostRegister(0x7..., 71397376)`, its error on the
  // next line): named when nothing else is.
  carriers: [XID("45"), /RuntimeError: cuda[A-Z]\w+\(/],
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
};

export const segfault: Cause = {
  id: "segfault",
  regexes: [
    // Thread titles write the message in Title Case (`Segmentation Fault`, `CUDA Out of Memory`).
    /Segmentation fault|segmentation fault|Segmentation Fault/,
    /signal SIGSEGV|received SIGSEGV for address/,
    /EXC_BAD_ACCESS/,
    /[Ss]ignal 11 \(SIGSEGV\)|(?:with|by|due to) signal 11\b|exitcode *: -11\b/,
    // Go's and Rust's runtime report of the same signal.
    /SIGSEGV: segmentation violation|SIGSEGV: invalid memory reference|\[signal 0xb code=/,
    // The kernel's own report of the fault (dmesg: `python3[1234]: segfault at 0 ip ... error 4 in libcuda.so`).
    /\]: segfault at [0-9a-f]+ ip |general protection fault ip:|segfault at [0-9a-f]+ ip [0-9a-f]+ sp /,
    /status=11\/SEGV/,
    /<Signals\.SIGSEGV: 11>/,
    // coredumpctl's record of the crash (`Signal: 11 (SEGV)`).
    /Signal: 11 \(SEGV\)/,
    // glog's and absl's failure signal handler (PaddlePaddle, TensorFlow): `*** SIGSEGV (@0x10) received by PID`.
    /\*\*\* SIGSEGV (?:\(@0x[0-9a-f]+\) received by PID|received at time=)/,
    new RegExp("\u6bb5\u9519\u8bef"), // 段错误
    new RegExp("Violaci\u00f3n de [Ss]egmento"), // Violación de [Ss]egmento
    /Speicherzugriffsfehler/,
    /[Ee]rreur de segmentation/,
    /exit status 0xc0000005/,
    // Windows' STATUS_ACCESS_VIOLATION as a signed or unsigned exit code.
    /(?:code|status|CODE|STATUS)[:=]? ?(?:-1073741819|3221225477)\b/,
    // The same access violation as a crash handler prints it (`Exception Code: 0xC0000005`).
    /Exception [Cc]ode: 0x[Cc]0000005\b|EXCEPTION_ACCESS_VIOLATION|[Aa]ccess violation (?:reading|writing|at)/,
    // Cosmopolitan binaries (llamafile, whisperfile) report the signal themselves.
    /Uncaught SIGSEGV|\(SEGV_MAPERR\)|\(SEGV_ACCERR\)/,
    // Python's faulthandler on Windows; Triton's own signal handler; a launcher's exit code with its hex.
    /Windows fatal exception: access violation|^Signal \(11\) received/,
    /3221225477 \(0x[Cc]0000005\)/,
  ],
  // A return or exit status that says the process died of SIGSEGV, and no more: a line that says why (a library that
  // could not be loaded) is the cause.
  carriers: [
    /return code\s*=?\s*-11\b/,
    /(?:exit|exited with) code 139\b/,
    /(?:exit|exited with) status 139\b/,
    EXIT(139),
  ],
  text: t(
    [
      "the process crashed with a segmentation fault",
      "restart the service; check native extensions and the torch/CUDA versions, and look for a core dump",
    ],
    ["进程因段错误（segfault）崩溃", "重启服务；检查原生扩展和 torch/CUDA 版本，并查看 core dump"],
  ),
};

export const illegalInstruction: Cause = {
  id: "illegal_instruction",
  regexes: [
    // Not CUDA's "an illegal instruction was encountered" (the linear-time engine has no lookahead).
    /Illegal instruction|Illegal Instruction|illegal instruction(?: ?$|[^ ]| [^w]| w[^a])/,
    /Illegal [Hh]ardware [Ii]nstruction/,
    /signal SIGILL/,
    /trap invalid opcode/,
    /[Ss]ignal 4 \(SIGILL\)|(?:with|by|due to) signal 4\b/,
    // A binary that checks the CPU itself before it runs (llamafile's Cosmopolitan runtime, others' start-up checks).
    /cpu feature \S+ was required at build time|CPU does not support (?:AVX|SSE|FMA|F16C)/,
    // TensorFlow's own check, before it aborts (`compiled to use SSE4.1 instructions, but these aren't available`).
    /was compiled to use \S+ instructions, but these aren.t available on your machine/,
    /exit status 0xc000001d/,
    /(?:code|status)[:=]? ?(?:-1073741795|3221225501)\b/,
    /Uncaught SIGILL|ILL_ILLOPC|STATUS_ILLEGAL_INSTRUCTION/,
    // The same status as a signed or unsigned code, or its hex (`[WinError -1073741795] Windows Error 0xc000001d`).
    /-1073741795\b|\b3221225501\b|0xc000001d\b|0xC000001D\b/,
    /status=4\/ILL/,
    /illegal hardware instruction/,
    EXIT(132),
    /<Signals\.SIGILL: 4>/,
    /\*\*\* SIGILL (?:\(@0x[0-9a-f]+\) received by PID|received at time=)/,
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
};

export const hangTimeout: Cause = {
  id: "hang_timeout",
  regexes: [
    /Watchdog timeout \(self\.watchdog_timeout=/,
    // A server's own watchdog (`Output hang detected: no model output for 60001 ms`); not `no hang detected`.
    /(?<![Nn]o )[Hh]ang detected/,
    /RPC call to \S+ timed out|RPC Call to \S+ Timed Out/,
    /(?:^|[ .:])TimeoutError(?::|$)/,
    // Not a wait the line says something else of: Ollama's runner that did not start (runner_not_started), a startup
    // or readiness probe that fails while the service loads (a failed liveness probe is a hang), Ollama's GPU discovery
    // giving up on a probe server at WARN and going on (a GPU not found says so itself).
    new RegExp(
      "(?<!to start: context |(?:Readiness|Startup) probe failed: [^\\n]*|llama-server (?:GPU )?discovery[^\\n]*)" +
        "(?:DEADLINE_EXCEEDED|[Dd]eadline [Ee]xceeded)",
    ),
    /blocked for more than \d+ seconds/,
    // torch.distributed's start-up barrier: a rank that never joined the others.
    /Timed out initializing process group in store based barrier/,
    // A service's own wait for a worker, model instance or server that never came (gpustack, schedulers).
    // vLLM's front end that waited for its engine cores (`Timed out waiting for engine core processes to start`).
    /(?<!discovery: )(?:Timeout|[Tt]imed out) waiting for (?:model|the model|worker|server|instance|engine)/,
    // A worker's wait for its local server (ai-dock's ComfyUI worker: `Server not ready after timeout (30s)`).
    // Also `Not all nodes are ready after 3600 seconds`; not a `not` earlier on a line whose server was ready.
    /[Nn]ot (?:all [\w ]{0,40})?ready after (?:timeout|\d+ ?(?:s|secs?|seconds)\b)/,
    /: (?:timed out|watch timeout)$/,
    // HTTP clients that waited for an answer that never came; gunicorn's arbiter killing a stuck worker.
    // aiohttp's exception raised or printed, not its name in another error (`'ServerTimeoutError' object has no`).
    /httpx\.ReadTimeout|requests\.exceptions\.ReadTimeout|ServerTimeoutError(?:$|[:(])/,
    // A proxy's own 504 page for a server that did not answer in time.
    /<title>504 Gateway Time-?out<\/title>/,
    /WORKER TIMEOUT \(pid:/,
    // The same seen from the worker: the arbiter's SIGABRT lands in its handler (a traceback through handle_abort).
    /workers\/base\.py", line \d+, in handle_abort/,
    /killed by timeout|killed due to timeout/,
    /(?:initializing|starting|loading) for too long/,
    /litellm\.Timeout|APITimeoutError/,
    // websocket-client's wait for a server's answer (ComfyUI's clients wait on its websocket for a job's end).
    /WebSocketTimeoutException/,
    // websockets' keepalive: the peer (or this server's own blocked event loop) did not answer a ping.
    /keepalive ping timeout/,
    // The service's own answer to a request it gave up on (uvicorn's access log).
    /HTTP\/1\.[01]" 504 Gateway Time-?out/,
    /[Ww]orker timeout\b|[Ww]orker timed out\b/,
    // systemd's own timeouts: a start that never signalled ready, a unit watchdog that was not fed.
    /Failed with result 'timeout'|start operation timed out|Watchdog timeout \(limit /,
    // A unit that did not stop when asked: it hung (systemd kills it then).
    // Older systemd says the state bare (`stop-sigterm timed out. Killing.`).
    /(?:stop-sigterm|stop-watchdog|final-sigterm)'? timed out\. Killing/,
    // A launcher or kubectl that waited for readiness that never came.
    /failed to become ready within \d+|failed to start within timeout|timed out waiting for the condition/,
    /soft lockup - CPU#\d+ stuck/,
    // torch.distributed's rendezvous store that never answered (a peer that never joined).
    /The server socket on \S+ has timed out, will retry/,
    /Timed out after \d+ seconds/,
    // A request or a job the service itself gave up on (`ASR request timed out after 1800s`), not one it retries.
    new RegExp(`${GOES_ON}timed out after \\d+(?:\\.\\d+)? ?(?:s|secs?|seconds|ms|mins?|minutes)\\.?$`),
  ],
  // urllib3's read timeout to any host (a client waiting on a model server that never answered): named only when no
  // line names a cause outright, so a hub's read timeout stays `hub_unreachable`.
  carriers: [
    // Not in a warning (albumentations' version check at start-up: `UserWarning: Error fetching version info`).
    new RegExp(`${GOES_ON}(?:Read timed out\\. \\(read timeout=|The read operation timed out)`),
    /port=\d+\): Read timed out/,
    // A part of the service that stopped answering its own health check (`couldn't get a response from detokenizer for
    // last 20 seconds`), and a start or a request that timed out in Chinese (`启动服务超时`, `请求超时`).
    new RegExp(
      "(?:couldn.t get a response|[Nn]o response|did not respond|has not responded)[^\\n]{0,60}" +
        "(?:for|in|within) (?:the )?(?:last )?\\d+ ?(?:seconds|s)\\b",
    ),
    // 服务超时, 启动超时, 请求超时, 等待超时: one pattern each, so that each has its own literal for the prefilter.
    ...["\u670d\u52a1", "\u542f\u52a8", "\u8bf7\u6c42", "\u7b49\u5f85"].map((w) => new RegExp(`${w}\u8d85\u65f6`)),
  ],
  // A timeout in any words, on a line that says something failed.
  broad: [
    ...["timed out", "timeout reached", "timeout after", "Timeout: ", "Timeout of ", "TIMEOUT:", "TIMEOUT -"],
    "not responding",
  ].map(IN_ERROR),
  // A TimeoutError raised by the socket's connect (urllib3's traceback ends `sock.connect(sa)`): a connect that
  // timed out is no hang (hub_unreachable names it).
  excuses: [/^ +sock\.connect\(sa\)$/],
  text: t(
    [
      "the service hung: its own watchdog or an internal call timed out",
      "restart the service; if it repeats, look for a stuck worker (py-spy dump) and lower the load",
    ],
    ["服务卡住：其自身的看门狗或内部调用超时", "重启服务；反复出现时排查卡住的 worker（py-spy dump）并降低负载"],
  ),
};
