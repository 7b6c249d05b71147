/**
 * The driver and the GPU as the service sees it: kernel module and libraries that differ, a driver older than the
 * service's CUDA, no GPU the service can use (not loaded, not passed into a container, not visible).
 */
import { type Cause, GOES_ON, IN_ERROR, t } from "./types.js";

export const nvmlMismatch: Cause = {
  id: "nvml_mismatch",
  restartHelps: false,
  regexes: [
    /[Dd]river\/[Ll]ibrary version mismatch/,
    /NVML\/RM version mismatch/,
    // Fabric Manager (NVSwitch hosts) built for another driver than the one loaded.
    /(?:don.t|does not|doesn.t) match with driver version/,
    /NVMLError_LibRmVersionMismatch/,
    // NVML's return code 18 is NVML_ERROR_LIB_RM_VERSION_MISMATCH (nvml.h), as a program prints the number.
    /nvmlInit(?:_v2)? (?:err|error|failed)[:=]? ?18\b/,
    /nvml vram init failure: 18\b/,
    /NVRM: API mismatch: the client has the version/,
    // CUDA's error 803 (cudaErrorSystemDriverMismatch): the display driver and the CUDA driver (libcuda) differ.
    /CUDA_ERROR_SYSTEM_DRIVER_MISMATCH|cudaErrorSystemDriverMismatch/,
    /unsupported display driver \/ cuda driver combination/,
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
};

export const cudaDriverTooOld: Cause = {
  id: "cuda_driver_too_old",
  restartHelps: false,
  regexes: [
    /CUDA driver version is insufficient|driver version is insufficient for CUDA runtime version/,
    /cudaErrorInsufficientDriver/,
    /driver on your system is too old|nvidia driver is too old or missing/,
    // The same warning wrapped (`... The NVIDIA driver on your` / `system is too old (found version 12040)`).
    /system is too old \(found version \d+\)/,
    /[Ff]orward compatibility was attempted on non supported HW/,
    /please update your driver to a newer version/,
    /[Pp]lease update your (?:GPU|NVIDIA|graphics) driver/,
    /compiled with an unsupported toolchain/,
    // The container image asks for a newer CUDA than the host's driver has (nvidia-container-cli).
    /unsatisfied condition: cuda>=/,
    /CUDA_ERROR_UNSUPPORTED_PTX_VERSION/,
    // The driver's libcuda lacks a function the runtime calls (older than the CUDA it was built for); the CUDA
    // runtime's own init failing with 35 (cudaErrorInsufficientDriver), as Ollama's discovery says it.
    /libcuda\.so[\d.]*: undefined symbol: cu\w+|cudart init failure: 35\b/,
  ],
  // A library that goes on another way after the failed call (NeMo: `... cudaErrorInsufficientDriver: 35>. Falling
  // back to native PyTorch CUDA graphs`).
  excuses: [/[Ff]alling back to native/],
  text: t(
    [
      "the NVIDIA driver is older than the CUDA version the service was built for",
      "upgrade the NVIDIA driver, " +
        "or install a build of torch/the service for the CUDA version the driver supports (nvidia-smi shows it); " +
        "in a container, give it the GPU (--gpus all, NVIDIA_VISIBLE_DEVICES): without one it sees no driver",
    ],
    [
      "NVIDIA 驱动版本低于服务所用 CUDA 版本的要求",
      "升级 NVIDIA 驱动，或安装与驱动支持的 CUDA 版本匹配的 torch/服务版本（见 nvidia-smi）；" +
        "容器内需把 GPU 交给容器（--gpus all、NVIDIA_VISIBLE_DEVICES），否则它看不到驱动",
    ],
  ),
};

export const noGpu: Cause = {
  id: "no_gpu",
  restartHelps: false,
  regexes: [
    /[Nn][Oo] CUDA GPUs are available/,
    // NVIDIA's CUDA images say so at start in a container given no GPU.
    /The NVIDIA Driver was not detected/,
    // Not Triton going on without its pinned host pool (a CPU-only server says so at every start).
    /(?<!pinned memory pool will not be available[^\n]*)[Nn]o \**CUDA-capable device/,
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
    // torch could not count the devices (a driver and runtime that do not match, a container without the GPU).
    /CUDA initialization: Unexpected error from cudaGetDeviceCount/,
    /CUDA_ERROR_NO_DEVICE/,
    // torch asked for a device index past the visible ones (CUDA_VISIBLE_DEVICES shows fewer GPUs than configured).
    /device >= 0 && device < num_gpus INTERNAL ASSERT FAILED/,
    // diffusers asked to offload a pipeline to a GPU on a host where torch sees none.
    /offload` requires accelerator, but not found/,
    // CUDA's error 802: the system is not ready for CUDA work (NVSwitch hosts without Fabric Manager running).
    /system not yet initialized|CUDA_ERROR_SYSTEM_NOT_READY|cudaErrorSystemNotReady/,

    /could not select device driver .* with capabilities: \[\[gpu\]\]/,
    /Torch is not able to use GPU|PyTorch is not able to access (?:CUDA|GPU)/,
    // Forge's words for the same check (`torch.cuda.is_available()` is false).
    /Your device does not support the current version of Torch\/CUDA/,
    // vLLM found no platform (no GPU the process can see); its Ray executor, no GPU free on the node; Xinference, no
    // GPU free for the model.
    /Failed to infer device type|Current node has no (?:GPU|NPU|XPU|TPU) available/,
    /required GPUs exceeds the total number of available GPUs|No available slot found for the model/,
    /no compatible GPUs were discovered/,
    // Kubernetes found no node with a GPU free for the pod (`0/1 nodes are available: 1 Insufficient nvidia.com/gpu`).
    /[Ii]nsufficient nvidia\.com\/\w*gpu/,
    // Triton (the compiler) found no GPU driver (`0 active drivers ([]). There should only be one.`).
    /\b0 active drivers\b/,
    // nvidia-container-cli could not talk to NVML (a container that lost its devices).
    /detection error: nvml error: unknown error/,
    // The driver does not drive this GPU (too new for the driver's release, or dropped from it).
    /installed in this system is not supported by the/,
    // A device node the runtime was told to pass in is not there (the driver is not loaded, or unloaded since).
    /\/dev\/nvidia[a-z0-9-]*"?: no such file or directory/,
    // llama.cpp and llamafile asked to offload layers with no GPU they can use.
    new RegExp(`${GOES_ON}[Nn]o usable GPU found`),
    /No CUDA runtime is found/,
    // Fish Speech (and others) say so at start and run on the CPU, many times slower.
    /CUDA is not available, running on CPU/,
    // Ollama's discovery of a GPU too old for its CUDA build (it runs on the CPU instead).
    /CUDA GPU is too old\. Compute Capability detected/,
    // NVML cannot start: the driver is not loaded, or a container lost its device nodes (a systemd reload); under
    // WSL, Windows keeps the GPU from it (`GPU access blocked by the operating system`).
    /Failed to initialize NVML: (?:Unknown Error|Driver Not Loaded)|GPU access blocked by the operating system/,
    /nvml error: driver not loaded/,
    // Not when the reason is the library's file the loader cannot open (`: libnvidia-ml.so.1: cannot open ...`):
    // that is missing_library.
    /[Cc]ould not load NVML library(?:$|[^:]|: [^l])|[Cc]an.t initialize NVML|Failed to start nvml with error/,
    // The kernel module found no GPU it may drive (another driver, nouveau, holds it).
    /No NVIDIA graphics adapter probed|NVIDIA probe routine was not called/,
    // The kernel module is missing or will not load (a new kernel without the driver built for it).
    /Module nvidia\S* not found in directory|modprobe nvidia[^']*' failed with exit code/,
    /Failed to query NVIDIA devices|Failed to start nvidia-persistenced/,
    /No platform detected, vLLM is running on UnspecifiedPlatform/,
    // cuInit's 999, a GPU index that is not there, docker without the nvidia runtime, a CPU-only torch build.
    /CUDA unknown error - this may be due to/,
    // ggml found no GPU it can use, whatever CUDA's reason (999 unknown error, 100 no device, 802 not ready).
    /ggml_cuda_init: failed to initialize|failed to initialize CUDA: unknown error/,
    // CTranslate2's words for CUDA's 999 (`CUDA failed with error unknown error`), as at a container's start.
    /CUDA failed with error unknown error/,
    // A GPU backend that found no device (rocBLAS under Ollama, ggml's Vulkan and SYCL builds).
    /Tensile host: No devices found|ggml_vulkan: No devices found|ggml_sycl: No devices found/,
    /invalid device ordinal|nvidia-container-cli: device error|[Uu]nknown runtime specified nvidia/,
    /no runtime for "nvidia" is configured|nvidia-container-cli[^\n]*driver rpc error/,
    /unknown or invalid runtime name: nvidia/,
    // oneAPI's SYCL (Intel GPUs) with no device; a service asked for a CUDA device that is not there.
    /DeviceList is empty|device is not available: cuda/,
    // Not A1111's memory monitor, which says it on every start of a DirectML, Mac or CPU build.
    /(?<!caught exception ')Torch not compiled with CUDA enabled|was not compiled with CUDA support/,
    // Ollama found the CUDA library but no NVIDIA device (`msg="no nvidia devices detected"`).
    /no nvidia devices detected/,
    // Containers and Kubernetes: no GPU device to hand out (CDI specs not generated, the device plugin found none).
    /unresolvable CDI devices|No [Dd]evices found\. Waiting indefinitely/,
    /UnexpectedAdmissionError/,
    /^No devices were found$/,
    /NVMLError_(?:DriverNotLoaded|Uninitialized)/,
    // The driver's installer (NVIDIA's .run, the GPU operator's driver container) could not build or load it.
    /Unable to load the kernel module '?nvidia|Could not resolve Linux kernel version/,
    // Vulkan (ncnn's upscalers, llama.cpp's Vulkan build): no Vulkan driver for the GPU (-9 is
    // VK_ERROR_INCOMPATIBLE_DRIVER), or no device it may use.
    /vkCreateInstance failed -\d+|VK_ERROR_INCOMPATIBLE_DRIVER|vkEnumeratePhysicalDevices failed|^invalid gpu device$/,
  ],
  // The container toolkit's hook failed: the error it carries (a library, a version mismatch) is the cause.
  carriers: [/nvidia-container-cli(?:\.real)?: (?:initialization|mount|ldcache|detection) error/],
  // A run started for the CPU on purpose (A1111's `--use-cpu`, its CPU profile's `--no-half --precision full`, a
  // `--device cpu` flag): the no-GPU message after it is expected, not a failure.
  // A server that said it runs on Apple's GPU or the CPU (`Device: mps`), a stats node that goes on without the GPU's
  // figures (`Could not init pynvml`), and a pod the cluster autoscaler answers with a new GPU node. Not an empty
  // CUDA_VISIBLE_DEVICES: on a GPU server that is as often a unit's unset variable as a choice.
  excuses: [
    /--use-cpu |--no-half --precision full|--precision full --no-half|--device[= ]cpu\b/,
    /^Device: (?:mps|cpu)\b/,
    /Could not init pynvml/,
    /triggered scale-up/,
    // A loader that tries the next backend after the GPU's failed (llamafile: CUDA, then Vulkan, then the CPU).
    /trying next backend/,
  ],
  broad: [
    // A CUDA device asked for in any words (`... on a CUDA device but torch.cuda.is_available() is False`).
    IN_ERROR("CUDA device"),
    IN_ERROR("is_available\\(\\) is False"),
  ],
  text: t(
    [
      "no usable GPU: the driver is not loaded, " +
        "the device is not visible to the service (container, CUDA_VISIBLE_DEVICES), it is busy, " +
        "or the service's torch is a CPU-only build",
      "check nvidia-smi on the host, the container's GPU flags (--gpus / runtime nvidia) and CUDA_VISIBLE_DEVICES; " +
        "reload the driver or reboot; for a CPU-only torch, install its CUDA build; " +
        "on an NVSwitch system (HGX), start nvidia-fabricmanager (CUDA error 802)",
    ],
    [
      "没有可用的 GPU：驱动未加载、服务看不到设备（容器、CUDA_VISIBLE_DEVICES）、设备被占用，或服务的 torch 是仅 CPU 版本",
      "在主机上运行 nvidia-smi，检查容器的 GPU 参数（--gpus / nvidia runtime）和 CUDA_VISIBLE_DEVICES；" +
        "重新加载驱动或重启；torch 为仅 CPU 版本时安装其 CUDA 版本；" +
        "NVSwitch 系统（HGX）上启动 nvidia-fabricmanager（CUDA 错误 802）",
    ],
  ),
};
