import type { Words } from "../types.js";

/** words are the gpu probe's phrases; what nvidia-smi printed (`first`), paths and GPU names stay as written. */
export const words = {
  notOnPath: { en: () => "nvidia-smi not found on PATH", "zh-CN": () => "PATH 中找不到 nvidia-smi" },
  notAt: { en: (v) => `nvidia-smi not found at ${v.path}`, "zh-CN": (v) => `${v.path} 处找不到 nvidia-smi` },
  notExecutable: { en: (v) => `${v.path} is not executable (EACCES)`, "zh-CN": (v) => `${v.path} 不可执行（EACCES）` },
  cannotRun: { en: (v) => `cannot run ${v.path}: ${v.why}`, "zh-CN": (v) => `无法运行 ${v.path}：${v.why}` },
  wedged: {
    en: (v) => `nvidia-smi did not answer in ${v.within}: probable GPU hang`,
    "zh-CN": (v) => `nvidia-smi 在 ${v.within} 内无响应：GPU 很可能已卡死`,
  },
  unkillable: {
    en: (v) =>
      `nvidia-smi did not answer in ${v.within} and could not be killed (uninterruptible, state D): ` +
      "probable GPU hang; reset the GPU or reboot",
    "zh-CN": (v) =>
      `nvidia-smi 在 ${v.within} 内无响应且无法终止（不可中断睡眠，D 状态）：GPU 很可能已卡死；请重置 GPU 或重启`,
  },
  stuck: {
    en: (v) =>
      `${v.id} stuck: utilization ${v.util}% while drawing ${v.watts} W, ${v.pct}% of its ${v.limit} W limit, ` +
      `for ${v.runs} runs (probable GPU hang)`,
    "zh-CN": (v) =>
      `${v.id} 卡住：利用率 ${v.util}%，功耗却只有 ${v.watts} W（上限 ${v.limit} W 的 ${v.pct}%），` +
      `已连续 ${v.runs} 次（GPU 很可能已卡死）`,
  },
  idleQueued: {
    en: (v) =>
      `${v.queue} requests queued, ${v.ids} at ${v.util} utilization, for ${v.runs} run${v.runs === 1 ? "" : "s"}: ` +
      "the service stopped feeding its GPU (probable engine hang)",
    "zh-CN": (v) =>
      `${v.queue} 个请求在排队，${v.ids} 利用率 ${v.util}，已连续 ${v.runs} 次：服务不再向 GPU 提交任务（推理引擎很可能已卡死）`,
  },
  rejected: {
    en: () => "nvidia-smi rejected the query (driver too old?)",
    "zh-CN": () => "nvidia-smi 拒绝了查询（驱动过旧？）",
  },
  noDriver: {
    en: (v) => `NVIDIA driver not loaded (nvidia-smi exit ${v.code})`,
    "zh-CN": (v) => `NVIDIA 驱动未加载（nvidia-smi 退出码 ${v.code}）`,
  },
  mismatch: {
    en: (v) =>
      `NVIDIA driver/library version mismatch (exit ${v.code}): ` +
      "reboot or reload the nvidia module after the driver upgrade",
    "zh-CN": (v) => `NVIDIA 驱动与库版本不一致（退出码 ${v.code}）：驱动升级后请重启或重新加载 nvidia 模块`,
  },
  lost: {
    en: (v) => `GPU lost: fallen off the bus or inaccessible (exit ${v.code}); reboot to recover`,
    "zh-CN": (v) => `GPU 丢失：已掉出总线或无法访问（退出码 ${v.code}）；需重启机器恢复`,
  },
  noGpu: { en: (v) => `no GPU found (exit ${v.code})`, "zh-CN": (v) => `未找到 GPU（退出码 ${v.code}）` },
  noNvml: {
    en: () => "NVML library not found (exit 12): is the driver installed?",
    "zh-CN": () => "找不到 NVML 库（退出码 12）：驱动装好了吗？",
  },
  denied: { en: () => "nvidia-smi: permission denied (exit 4)", "zh-CN": () => "nvidia-smi：权限不足（退出码 4）" },
  killedBy: { en: (v) => `nvidia-smi was killed by ${v.signal}`, "zh-CN": (v) => `nvidia-smi 被 ${v.signal} 终止` },
  killed: { en: () => "nvidia-smi was killed by a signal", "zh-CN": () => "nvidia-smi 被信号终止" },
  failed: { en: (v) => `nvidia-smi failed (exit ${v.code})`, "zh-CN": (v) => `nvidia-smi 失败（退出码 ${v.code}）` },
  /** The first line nvidia-smi printed, after the phrase that names the failure. */
  said: { en: (v) => `: ${v.first}`, "zh-CN": (v) => `：${v.first}` },
  unexpected: {
    en: (v) => `nvidia-smi printed something unexpected: ${v.error}`,
    "zh-CN": (v) => `nvidia-smi 输出了无法识别的内容：${v.error}`,
  },
  listedNone: { en: () => "nvidia-smi listed no GPU", "zh-CN": () => "nvidia-smi 未列出任何 GPU" },
  missing: {
    en: (v) => `GPU missing: ${v.found} of ${v.want} found`,
    "zh-CN": (v) => `GPU 缺失：应有 ${v.want} 块，只找到 ${v.found} 块`,
  },
  memory: { en: (v) => `${v.id} memory ${v.pct}%`, "zh-CN": (v) => `${v.id} 显存 ${v.pct}%` },
  lowFree: {
    en: (v) => `${v.id} has ${v.free} MiB free, less than ${v.min} MiB`,
    "zh-CN": (v) => `${v.id} 只剩 ${v.free} MiB 显存，少于 ${v.min} MiB`,
  },
  temperature: { en: (v) => `${v.id} ${v.celsius}°C`, "zh-CN": (v) => `${v.id} ${v.celsius}°C` },
  ecc: {
    en: (v) => `${v.id} has ${v.n} uncorrected ECC errors`,
    "zh-CN": (v) => `${v.id} 有 ${v.n} 个不可纠正的 ECC 错误`,
  },
  infoRom: {
    en: () => "infoROM is corrupted (nvidia-smi exit 14)",
    "zh-CN": () => "infoROM 已损坏（nvidia-smi 退出码 14）",
  },
  semicolon: { en: () => "; ", "zh-CN": () => "；" },
  ok: {
    en: (v) => `${v.n} GPU${v.n === 1 ? "" : "s"} ok (${v.names})`,
    "zh-CN": (v) => `${v.n} 块 GPU 正常（${v.names}）`,
  },
} satisfies Words;
