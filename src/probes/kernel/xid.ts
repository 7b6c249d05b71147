/**
 * The Xid table: what an NVRM Xid code means, what to do, and which cause of the catalog it is. From NVIDIA's Xid
 * catalog (https://docs.nvidia.com/deploy/xid-errors/analyzing-xid-catalog.html: description and "Resolution Bucket
 * (Immediate Action)") and, for 63/64, the dynamic page retirement page
 * (https://docs.nvidia.com/deploy/dynamic-page-retirement/visibility.html). docs/gpu-and-logs.md lists it.
 */
import type { Locale } from "../../core/status.js";

/** XidInfo is one row of the table: the catalog cause id and the meaning and action in each locale. */
export type XidInfo = { cause: string; text: Record<Locale, { meaning: string; action: string }> };

const row = (cause: string, en: [string, string], zh: [string, string]): XidInfo => ({
  cause,
  text: { en: { meaning: en[0], action: en[1] }, "zh-CN": { meaning: zh[0], action: zh[1] } },
});

const RESTART_APP: [string, string] = ["restart the service", "重启服务"];
const RESET_GPU: [string, string] = [
  "reset the GPU (nvidia-smi -r) or reboot the host",
  "重置 GPU（nvidia-smi -r）或重启主机",
];

const nvlink = row(
  "gpu_hang",
  ["NVLink error", "reset the GPU or reboot; check the links with nvidia-smi nvlink -s"],
  ["NVLink 错误", "重置 GPU 或重启主机；用 nvidia-smi nvlink -s 检查链路"],
);

/** XIDS maps the codes a model server meets to their meaning; other codes fall back to UNLISTED. */
export const XIDS: ReadonlyMap<number, XidInfo> = new Map([
  [
    8,
    row(
      "gpu_hang",
      ["GPU stopped processing (a channel's idle timeout)", RESTART_APP[0]],
      ["GPU 停止处理（通道空闲超时）", RESTART_APP[1]],
    ),
  ],
  [
    13,
    row(
      "cuda_error",
      ["graphics engine exception (a bad kernel or memory access)", RESTART_APP[0]],
      ["图形引擎异常（错误的 kernel 或内存访问）", RESTART_APP[1]],
    ),
  ],
  [
    31,
    row(
      "cuda_error",
      ["GPU memory page fault (illegal address)", RESTART_APP[0]],
      ["GPU 内存页错误（非法地址）", RESTART_APP[1]],
    ),
  ],
  [
    43,
    row(
      "cuda_error",
      ["GPU stopped processing (the application hit an error and was stopped)", RESTART_APP[0]],
      ["GPU 停止处理（应用出错被终止）", RESTART_APP[1]],
    ),
  ],
  [
    45,
    row(
      "cuda_error",
      ["preemptive cleanup after earlier errors (or the application was killed)", RESTART_APP[0]],
      ["因先前错误被抢先清理（或应用被终止）", RESTART_APP[1]],
    ),
  ],
  [
    48,
    row(
      "gpu_hw_memory",
      ["double bit ECC error in GPU memory", RESET_GPU[0]],
      ["GPU 显存双比特 ECC 错误", RESET_GPU[1]],
    ),
  ],
  [61, row("gpu_firmware", ["internal micro-controller breakpoint", RESET_GPU[0]], ["内部微控制器断点", RESET_GPU[1]])],
  [62, row("gpu_firmware", ["internal micro-controller halt", RESET_GPU[0]], ["内部微控制器停机", RESET_GPU[1]])],
  [
    63,
    row(
      "gpu_hw_memory",
      ["GPU memory row remapped or page retired", "reset the GPU when idle to apply it"],
      ["GPU 显存行重映射或页退役", "空闲时重置 GPU 以生效"],
    ),
  ],
  [64, row("gpu_hw_memory", ["GPU memory remapping failed", RESET_GPU[0]], ["GPU 显存重映射失败", RESET_GPU[1]])],
  [
    68,
    row("cuda_error", ["video decoder (NVDEC) exception", RESTART_APP[0]], ["视频解码器（NVDEC）异常", RESTART_APP[1]]),
  ],
  [74, nvlink],
  [
    79,
    row(
      "gpu_lost",
      ["the GPU has fallen off the bus", "reboot the host; if it repeats, check power, cooling and the PCIe riser"],
      ["GPU 已从总线掉线", "重启主机；如反复出现，检查供电、散热和 PCIe 连接"],
    ),
  ],
  [
    92,
    row(
      "gpu_hw_memory",
      ["high single-bit ECC error rate", "watch nvidia-smi -q -d ECC; reset the GPU if it grows"],
      ["单比特 ECC 错误率过高", "观察 nvidia-smi -q -d ECC；持续增长时重置 GPU"],
    ),
  ],
  [
    94,
    row(
      "gpu_hw_memory",
      ["contained memory error (the application using the bad memory was stopped)", RESTART_APP[0]],
      ["受控显存错误（使用该显存的应用被终止）", RESTART_APP[1]],
    ),
  ],
  [95, row("gpu_hw_memory", ["uncontained memory error", RESET_GPU[0]], ["非受控显存错误", RESET_GPU[1]])],
  [109, row("gpu_hang", ["context switch timeout", RESET_GPU[0]], ["上下文切换超时", RESET_GPU[1]])],
  [
    119,
    row(
      "gpu_hang",
      ["GSP RPC timeout (the GPU firmware stopped answering)", RESET_GPU[0]],
      ["GSP RPC 超时（GPU 固件不再响应）", RESET_GPU[1]],
    ),
  ],
  [120, row("gpu_firmware", ["GSP firmware error", RESET_GPU[0]], ["GSP 固件错误", RESET_GPU[1]])],
  // Xid 154 follows another Xid and names the recovery it needs ("to 0x2 (Node Reboot Required)").
  [
    154,
    row(
      "gpu_hang",
      [
        "GPU recovery action changed (the line names the recovery needed)",
        "do the recovery the line names: reset the GPU or reboot the host",
      ],
      ["GPU 恢复动作已变更（该行写明所需恢复）", "按该行所写恢复：重置 GPU 或重启主机"],
    ),
  ],
  ...[144, 145, 146, 147, 148, 149, 150].map((c) => [c, nvlink] as const),
]);

/** UNLISTED is what an Xid the table does not list says: NVIDIA's catalog has the rest. */
export function unlisted(code: number): XidInfo {
  return row(
    "cuda_error",
    [`Xid ${code} (see NVIDIA's Xid catalog)`, RESTART_APP[0]],
    [`Xid ${code}（见 NVIDIA Xid 目录）`, RESTART_APP[1]],
  );
}

/** xidInfo is the row of a code, or the unlisted one. */
export function xidInfo(code: number): XidInfo {
  return XIDS.get(code) ?? unlisted(code);
}

/** Xid is one parsed NVRM Xid line. */
export type Xid = { pci: string; code: number; pid?: number; name?: string; causedBy?: number };

// `NVRM: Xid (PCI:0000:3b:00): 79, pid=1173, name=python3, GPU has fallen off the bus.`; old drivers have no `PCI:`
// and no pid/name. Kernel text, cut to KMSG_LINE_MAX before it gets here, so these regexes stay cheap.
const XID_LINE = /NVRM: Xid \((?:PCI:)?([0-9A-Fa-f:.]+)\): (\d+)\b(.*)$/;
const PID = /^, pid=(?:'?(\d+)'?|'<unknown>')/;
const NAME = /, name=([^,]+),/;
// `Ch 00000001 caused by previous Xid 149` (open-gpu-kernel-modules#1150): the earlier Xid is the cause.
const CAUSED_BY = /caused by previous Xid (\d+)/;

/** parseXid reads an NVRM Xid line; undefined for any other line. */
export function parseXid(text: string): Xid | undefined {
  const m = text.includes("NVRM: Xid (") ? XID_LINE.exec(text) : null;
  if (!m) return undefined;
  const rest = m[3] ?? "";
  const xid: Xid = { pci: m[1]!, code: Number(m[2]) };
  const pid = PID.exec(rest)?.[1];
  if (pid) xid.pid = Number(pid);
  const name = NAME.exec(rest)?.[1];
  if (name && name !== "<unknown>") xid.name = name;
  const by = CAUSED_BY.exec(rest)?.[1];
  if (by) xid.causedBy = Number(by);
  return xid;
}

/** rootXid is the code whose cause an Xid names: the earlier one it says caused it, else its own. */
export function rootXid(x: Pick<Xid, "code" | "causedBy">): number {
  return x.causedBy ?? x.code;
}
