/** The GPU itself: lost, its memory, a hang, its firmware. The host must change before the service can work again. */
import { AFTER_XID, type Cause, t, XID } from "./types.js";

export const gpuLost: Cause = {
  id: "gpu_lost",
  restartHelps: false,
  regexes: [
    XID("79"),
    AFTER_XID("79"),
    /fallen off the bus|fallen off of the bus/,
    // oneAPI's (Intel GPUs) and DirectML's (Windows) words for a device that is gone.
    /UR_RESULT_ERROR_DEVICE_LOST|GPU device instance has been suspended/,
    /GPU is lost/,
    /GPU lost from the bus/,
    /NVMLError_GpuIsLost/,
    /RmInitAdapter(?: failed|: Cannot initialize)/,
    /Unable to determine the device handle for GPU.*: Unknown Error/,
    // The driver's RPC to the GSP firmware returned NV_ERR_GPU_IS_LOST (status 0x0000000f, nvstatuscodes.h).
    /rpcSendMessage failed with status 0x0000000[fF]\b|NV_ERR_GPU_IS_LOST/,
  ],
  text: t(
    [
      "the GPU fell off the bus or failed to initialize, and no longer answers",
      "reboot the host; if it repeats, check power, cooling and the PCIe riser",
    ],
    ["GPU 已从总线掉线或初始化失败，不再响应", "重启主机；如反复出现，检查供电、散热和 PCIe 连接"],
  ),
};

export const gpuHwMemory: Cause = {
  id: "gpu_hw_memory",
  regexes: [
    // nvidia-smi -q's ECC counters above zero, and DCGM's diagnostic.
    /(?:SRAM|DRAM) +Uncorrectable +: +[1-9]/,
    /has uncorrectable memory errors|row remappings are pending/,
    // The Kubernetes device plugin marks a GPU unhealthy on a critical Xid.
    /XidCriticalError: Xid=(?:48|63|64|94|95)\b/,
    XID("48|63|64|92|94|95"),
    AFTER_XID("48|63|64|92|94|95"),
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
};

export const gpuHang: Cause = {
  id: "gpu_hang",
  regexes: [
    // CUDA error 6 (cudaErrorLaunchTimeout): a kernel ran past the driver's watchdog; the driver's RC watchdog.
    /the launch timed out and was terminated|cudaErrorLaunchTimeout/,
    /GPU is probably locked/,
    // amdgpu: the firmware scheduler (MES) or a ring stopped answering, and the driver resets the GPU.
    /MES might be in unrecoverable state|amdgpu: GPU reset begin!|ring \S+ timeout, signaled seq=/,
    // The container toolkit's driver calls time out on a GPU that no longer answers.
    /nvidia-container-cli: detection error: driver error: timed out/,
    XID("119|109|8"),
    AFTER_XID("119|109|8"),
    // A tool's table of Xid events (time, code, process, channel): 8 is the channel's idle timeout.
    /\bXid 8 +\S+ +channel 0x/,
    /Rate limiting GSP RPC/,
    /GSP RPC timeout|GSP RPC Timeout/,
    /Timeout after \d+s of waiting for RPC response/,
    /waiting for RPC from GSP/,
    /NV_ERR_RESET_REQUIRED/,
    /_kgspLogRpcTimeout/,
    /GPU requires reset/,
    // The driver's heartbeat to the GSP firmware went unanswered.
    /GSP RM heartbeat timed out|_kgspIsHeartbeatTimedOut/,
    // Windows: the display driver's timeout detection and recovery failed (bug check 0x116, 0x117).
    /VIDEO_TDR_FAILURE|VIDEO_TDR_TIMEOUT_DETECTED/,
    // Vulkan's VK_ERROR_DEVICE_LOST (-4) from a queue submit (ncnn's upscalers): the driver reset a GPU that hung.
    /vkQueueSubmit failed \(?-4\b|VK_ERROR_DEVICE_LOST/,
  ],
  // A DPC watchdog bug check is any driver's; it is the GPU's when NVIDIA's kernel driver is named with it.
  weak: { regexes: [/DPC_WATCHDOG_VIOLATION/], evidence: [/nvlddmkm/] },
  text: t(
    [
      "the GPU stopped responding (timeout in the driver or GSP firmware)",
      "reset the GPU (nvidia-smi -r) or reboot the host",
    ],
    ["GPU 停止响应（驱动或 GSP 固件超时）", "重置 GPU（nvidia-smi -r）或重启主机"],
  ),
};

export const gpuFirmware: Cause = {
  id: "gpu_firmware",
  regexes: [
    // 61 and 62: an internal micro-controller (the PMU) hit a breakpoint or halted; 120: the GSP firmware faulted.
    XID("61|62|120"),
    AFTER_XID("61|62|120"),
    /PMU has halted|_kgspRpcGspEventPmuHalted/,
    /GSP task exception/,
    // The driver dumps the GSP/FSP microcontroller's state when the firmware faults.
    /kflcnCoreDump/,
    /kfspDumpDebugState/,
    /Cannot initialize GSP firmware/,
    /GSP Crash|GSP crash/,
    // The driver's RPCs to the GSP fail with another status than a lost GPU's (named as gpu_lost above).
    /rpcSendMessage failed with status|rpcRmApiFree_GSP: GspRmFree failed/,
  ],
  text: t(
    ["GPU firmware error", "reset the GPU or reboot; update the driver if it repeats"],
    ["GPU 固件错误", "重置 GPU 或重启主机；反复出现时升级驱动"],
  ),
};
