/**
 * The built-in cause catalog of the log probe: which failure a log line most probably means, in the priority order
 * of reference/gpu-and-logs.md §4 (the first cause in this list wins when several lines match), with a one-line
 * explanation and a suggested action in each locale. Every regex here is tested against the real lines in
 * test/probes/causes.test.ts; each has a literal the prefilter can find in bytes.
 */

/** Locale is a language the alert text comes in. */
export type Locale = "en" | "zh-CN";

/** Cause is one entry of the catalog. */
export type Cause = {
  id: string;
  regexes: RegExp[];
  text: Record<Locale, { explain: string; action: string }>;
};

const XID = (codes: string) => new RegExp(`Xid \\(PCI:[^)]*\\): (?:${codes})\\b`);

/** CAUSES is the catalog, highest priority first. */
export const CAUSES: readonly Cause[] = [
  {
    id: "gpu_lost",
    regexes: [XID("79"), /fallen off the bus/, /GPU is lost/],
    text: {
      en: { explain: "the GPU fell off the bus and no longer answers", action: "reboot the host; if it repeats, check power, cooling and the PCIe riser" },
      "zh-CN": { explain: "GPU 已从总线掉线，不再响应", action: "重启主机；如反复出现，检查供电、散热和 PCIe 连接" },
    },
  },
  {
    id: "gpu_hw_memory",
    regexes: [XID("48|63|64|92|94|95"), /uncorrectable double bit error/, /Dynamic Page Retirement: Fatal error/],
    text: {
      en: { explain: "GPU memory ECC error (hardware)", action: "restart the service; reset the GPU or reboot if it repeats, and check nvidia-smi -q -d ECC" },
      "zh-CN": { explain: "GPU 显存 ECC 错误（硬件）", action: "重启服务；反复出现时重置 GPU 或重启主机，并查看 nvidia-smi -q -d ECC" },
    },
  },
  {
    id: "gpu_hang",
    regexes: [XID("119|109|62"), /GSP RPC/, /Timeout after \d+s of waiting for RPC response/],
    text: {
      en: { explain: "the GPU stopped responding (timeout in the driver or GSP firmware)", action: "reset the GPU (nvidia-smi -r) or reboot the host" },
      "zh-CN": { explain: "GPU 停止响应（驱动或 GSP 固件超时）", action: "重置 GPU（nvidia-smi -r）或重启主机" },
    },
  },
  {
    id: "gpu_firmware",
    regexes: [XID("61|120")],
    text: {
      en: { explain: "GPU firmware error", action: "reset the GPU or reboot; update the driver if it repeats" },
      "zh-CN": { explain: "GPU 固件错误", action: "重置 GPU 或重启主机；反复出现时升级驱动" },
    },
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
      /(?:^|line \d+:\s+\d+ )Killed(?:\s|$)/,
    ],
    text: {
      en: { explain: "the kernel OOM killer ended a process: the host ran out of RAM", action: "lower batch size or workers, add swap or RAM, or set a memory limit on other services" },
      "zh-CN": { explain: "内核 OOM killer 杀掉了进程：主机内存耗尽", action: "减小 batch 或 worker 数，增加内存或 swap，或限制其他服务的内存" },
    },
  },
  {
    id: "gpu_oom",
    regexes: [
      /CUDA out of memory/,
      /OutOfMemoryError/,
      /CUDA error: out of memory/,
      /CUBLAS_STATUS_ALLOC_FAILED/,
      /No available memory for the cache blocks/,
      /Allocation on device \d+ would exceed allowed memory/,
    ],
    text: {
      en: { explain: "GPU out of memory", action: "lower batch size, resolution or max_model_len / gpu_memory_utilization, or free the GPU from other processes" },
      "zh-CN": { explain: "GPU 显存不足", action: "减小 batch、分辨率或 max_model_len / gpu_memory_utilization，或释放被其他进程占用的显存" },
    },
  },
  {
    id: "nccl",
    regexes: [/NCCL error/, /DistBackendError/, /ProcessGroupNCCL\.cpp:\d+\].*watchdog thread terminated/, XID("74")],
    text: {
      en: { explain: "NCCL (multi-GPU communication) failed", action: "restart all ranks; run with NCCL_DEBUG=INFO and check NVLink/network health" },
      "zh-CN": { explain: "NCCL（多卡通信）出错", action: "重启所有进程；用 NCCL_DEBUG=INFO 运行并检查 NVLink/网络" },
    },
  },
  {
    id: "cuda_error",
    regexes: [/CUDA error:/, /device-side assert/, /CUDA kernel errors might be asynchronously reported/, XID("13|31|43|45")],
    text: {
      en: { explain: "CUDA error (illegal memory access, device-side assert or driver error)", action: "restart the service; rerun with CUDA_LAUNCH_BLOCKING=1 to find the failing call" },
      "zh-CN": { explain: "CUDA 错误（非法内存访问、device-side assert 或驱动错误）", action: "重启服务；用 CUDA_LAUNCH_BLOCKING=1 重现以定位出错调用" },
    },
  },
  {
    id: "segfault",
    regexes: [/Segmentation fault/, /SIGSEGV/, /status=11\/SEGV/, /return code\s*=?\s*-11\b/, /(?:exit|exited with) code 139\b/, /(?:exit|exited with) status 139\b/],
    text: {
      en: { explain: "the process crashed with a segmentation fault", action: "restart the service; check native extensions and the torch/CUDA versions, and look for a core dump" },
      "zh-CN": { explain: "进程因段错误（segfault）崩溃", action: "重启服务；检查原生扩展和 torch/CUDA 版本，并查看 core dump" },
    },
  },
  {
    id: "port_in_use",
    regexes: [/\[Errno (?:98|48|10048)\]/, /[Aa]ddress already in use/, /Cannot find empty port in range/, /only one usage of each socket address/],
    text: {
      en: { explain: "the port is already taken, so the server could not start", action: "find the holder with `ss -ltnp` and stop it (often an old copy of this service), or change the port" },
      "zh-CN": { explain: "端口已被占用，服务无法启动", action: "用 `ss -ltnp` 找到占用者并停止（常是本服务的旧进程），或更换端口" },
    },
  },
  {
    id: "missing_dependency",
    regexes: [/ModuleNotFoundError/, /ImportError/, /No module named/, /\(IMPORT FAILED\)/],
    text: {
      en: { explain: "a Python module is missing or fails to import", action: "install it in the service's environment (pip install ...) and restart" },
      "zh-CN": { explain: "缺少 Python 模块或导入失败", action: "在服务所用环境中安装（pip install ...）后重启" },
    },
  },
  {
    id: "job_failed",
    regexes: [/!!! Exception during processing !!!/],
    text: {
      en: { explain: "a job failed with an exception (see the lines after it)", action: "read the traceback in the log; the service itself may still be up" },
      "zh-CN": { explain: "任务执行异常（见其后的日志行）", action: "查看日志中的 traceback；服务本身可能仍在运行" },
    },
  },
];

/** causeById returns the catalog entry with that id. */
export function causeById(id: string): Cause | undefined {
  return CAUSES.find((c) => c.id === id);
}

/** classifyLine returns the highest-priority cause whose regexes match the line, if any. */
export function classifyLine(line: string): Cause | undefined {
  for (const c of CAUSES) if (c.regexes.some((r) => r.test(line))) return c;
  return undefined;
}

/** causePriority ranks a cause id (lower is more important); unknown ids (free text) rank last. */
export function causePriority(id: string): number {
  const i = CAUSES.findIndex((c) => c.id === id);
  return i < 0 ? CAUSES.length : i;
}

/** describeCause renders "id: explanation — action" in the locale; free-text causes come back as written. */
export function describeCause(id: string, locale: Locale = "en"): string {
  const c = causeById(id);
  if (!c) return id;
  const t = c.text[locale];
  return `${c.id}: ${t.explain} — ${t.action}`;
}

/**
 * localizeCause re-renders a probe's `cause` ("gpu_oom: GPU out of memory — …", as the log probe writes it in English)
 * in another locale; a free-text cause comes back unchanged. For the renderer, which knows the config's locale.
 */
export function localizeCause(cause: string, locale: Locale): string {
  const id = /^([a-z_]+): /.exec(cause)?.[1];
  return id && causeById(id) ? describeCause(id, locale) : cause;
}
