/**
 * Causes of the host's files: the disk, file handles, permissions (the model's files are in models.ts; the libraries,
 * modules and programs in install.ts). Most need a person before a restart can help.
 */
import { type Cause, EXIT, IN_ERROR, t } from "./types.js";

export const diskFull: Cause = {
  id: "disk_full",
  restartHelps: false,
  regexes: [
    // Not PyTorch's shared-memory files nor NCCL's segment (/dev/shm is full: shm_bus_error).
    // Not inotify's ENOSPC, which says the watch limit (fs.inotify.max_user_watches) is reached.
    new RegExp(
      "(?<!(?:unable to write to file <\\/torch_|inotify_add_watch|failed to extend \\/dev\\/shm\\/)[^\\n]*)" +
        "No space left on device",
    ),
    /no space left on device|No Space Left on Device|No Space Left On Device/,
    /\[Errno 28\]/,
    /ENOSPC: no space/,
    /Not enough free disk space|[Ii]nsufficient disk space|[Nn]ot enough disk space|[Nn]ot enough storage space/,
    // A full disk in a tool's own words (Waifu2x-Extension-GUI: `Cache disk might run out of space!`).
    /(?:[Rr]un|[Rr]an|[Rr]unning) out of (?:disk |storage )?space|[Oo]ut of disk space/,
    // A downloader's check before it starts (whisperclip: `You need at least 20GB of free disk space to download`).
    /of free disk space to download/,
    // EDQUOT: the user's quota is full, which the service meets as a full disk.
    /[Dd]isk quota exceeded/,
    // The kubelet evicts pods from a node whose disk runs out, a pod past its own ephemeral-storage limit, or an
    // emptyDir over its sizeLimit.
    /low on resource: ephemeral-storage|ephemeral local storage usage exceeds|local ephemeral storage limit/,
    /Usage of EmptyDir volume [^\n]* exceeds the limit/,
    /\[Errno 122\]/,
    // Rust's io::Error gives the errno: 28 ENOSPC, 122 EDQUOT; Windows' ERROR_DISK_FULL is 112.
    /\(os error (?:28|122|112)\)/,
    /not enough space on the disk/,
    // PyTorch's zip writer checks where each write ended: a short write (the disk filled mid-save) says so.
    /inline_container\.cc[^\n]*unexpected pos|PytorchStreamWriter failed writing file [^\n]*: file write failed/,
    // SQLite's SQLITE_FULL (a service's own database, a model registry's index).
    /database or disk is full/,
    // TensorFlow's checkpoint writer says ENOSPC as `Resource exhausted`.
    /Error writing \(tmp\) checkpoint file: [^\n]*Resource exhausted/,
    // Ray's file system monitor: its object store will fail to spill (`/tmp/ray/session_x is over 95% full`).
    /is over [\d.]+% full[^\n]*Object creation will fail/,
  ],
  broad: [
    // Disk space in any words, on a line that says something failed.
    IN_ERROR("disk space"),
  ],
  text: t(
    [
      "the disk is full",
      "free space (old models in the hub cache, logs, docker images: df -h, du -sh; quota -s for a user's quota), " +
        "or move the cache (HF_HOME, OLLAMA_MODELS) to a bigger disk",
    ],
    [
      "磁盘空间已满",
      "清理空间（模型缓存、日志、docker 镜像：df -h、du -sh；用户配额用 quota -s 查看），或把缓存（HF_HOME、OLLAMA_MODELS）移到更大的磁盘",
    ],
  ),
};

export const tooManyOpenFiles: Cause = {
  id: "too_many_open_files",
  regexes: [
    /Too many (?:open files|files open)|Too Many Open Files/,
    /too many open files/,
    /\[Errno 24\]/,
    /accept EMFILE/,
    /EMFILE: too many/,
    // The kernel's own limit for the whole host (fs.file-max).
    /VFS: file-max limit \d+ reached/,
  ],
  // vLLM's warning that it could not raise the limit quotes the error it may cause (`This can cause fd limit errors
  // like `OSError: [Errno 24] Too many open files``).
  recoveries: [/This can cause fd limit errors like/],
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
};

export const permissionDenied: Cause = {
  id: "permission_denied",
  restartHelps: false,
  regexes: [
    // Not huggingface_hub's negative-cache note, nor Matplotlib's config directory: both go on without it.
    /(?<!(?:Will ignore error and continue|mkdir -p failed for path)[^\n]*)\[Errno 13\] Permission denied/,
    /PermissionError: \[WinError 5\]/,
    // Windows' ERROR_PRIVILEGE_NOT_HELD: a symlink (a hub cache's) made without Developer Mode or admin rights.
    /\[WinError 1314\]/,
    // Rust's io::Error for Windows' ERROR_ACCESS_DENIED; transformers that cannot write its cache.
    /\(os error 5\)|problem when trying to write in your cache folder/,
    /EACCES: permission denied|EACCES \(Permission denied\)/,
    // ONNX Runtime gives the errno by number (`Load model from x.onnx failed:system error number 13`).
    /system error number 13\b/,
    // Go's *PathError: the operation, the path, then the errno's text.
    // Go's exec too: a runner unpacked to a noexec /tmp (`fork/exec /tmp/ollama.../runner: permission denied`).
    /(?:open|mkdir|stat|lstat|chmod|chown|remove|rename|create|unlinkat|mkdirall|fork\/exec) \S+: ?permission denied/,
    // Not Xorg's DRM setup in a desktop session, nor systemd's partition generator at boot.
    /(?<!(?:failed to set DRM interface version|gpt-auto-generator)[^\n]*): Permission denied$/,
    // Rust's io::Error as Debug prints it (`Os { code: 13, kind: PermissionDenied, ... }`); Node's EPERM; supervisord.
    /kind: PermissionDenied|EPERM: operation not permitted|couldn't chdir to \S+: EACCES/,
    /[Gg]ot permission denied while trying to connect/,
    /Failed to initialize NVML: Insufficient Permissions|nvml error: insufficient permissions/,
    // Ollama's runner names the file it could not open in brackets after the errno's text.
    /[Pp]ermission denied \[\.?\//,
    // runc's exec of an entrypoint without the execute bit (`exec: "/docker/entrypoint.sh": permission denied`).
    /exec: "[^"]+": permission denied/,
    /start process '[^']*'[^\n]*Permission denied/,
    /Cannot change ownership to [^\n]*: Operation not permitted/,
    // Triton's Python backend could not make its stub executable (a read-only or noexec model repository).
    /Failed to give execute permission to/,
    /\(13: Permission denied\)/,
    /Permission denied \(os error 13\)/,
    // EPERM: a capability or a mount flag the service lacks (in containers, often a seccomp profile).
    /\[Errno 1\] Operation not permitted/,
    // A container runtime refused a cgroup write (nvidia-container-cli's devices.allow in a rootless or nested one).
    /\/sys\/fs\/cgroup\/\S+: operation not permitted/,
    // runc could not start the container's process (`starting container process caused "permission denied"`).
    /starting container process caused \\?"permission denied/,
    /(?:changing permissions of|changing ownership of|cannot [a-z]+) '[^']*': Operation not permitted/,
    // EROFS from chown/chmod (a read-only mount of the service's config or data).
    /(?:changing permissions of|changing ownership of) '[^']*': Read-only file system/,
    // EROFS: the cache or model directory is on a read-only mount.
    /\[Errno 30\] Read-only file system|EROFS: read-only file system/,
    EXIT(126),
    // Windows' ERROR_ACCESS_DENIED as a launcher prints it on a line of its own.
    /^Access is denied\.$/,
  ],
  // EACCES in any tool's words with a path, or the errno's number in any case (`[error 13]`): named only when no
  // line names a cause outright. Not the notes of huggingface_hub and Matplotlib, which go on without it.
  carriers: [
    /(?<!(?:Will ignore error and continue|mkdir -p failed for path)[^\n]*)(?:\[[Ee]rrno 13\]|\[[Ee]rror 13\])/,
    /(?<!(?:Will ignore error and continue|mkdir -p failed for path)[^\n]*)[Pp]ermission denied: ['"]?[\/~.A-Z]/,
    /\[WinError 5\]|Access to the path '[^']*' is denied|[Aa]ccess is denied: /,
    // A path, then the errno's text after it (TensorFlow Serving: `access error: /models/x; Permission denied`).
    /\/[^\s;:'"]*[;,] [Pp]ermission denied/,
    // Go's and runc's errno text in lower case after whatever failed (`exec ...: permission denied: unknown`).
    /: permission denied\b/,
  ],
  text: t(
    [
      "the service may not read or write a file it needs (model, cache, data or device path: EACCES)",
      "give the service's user access (chown/chmod the model and cache directories, e.g. HF_HOME), " +
        "or point the cache to a directory it owns",
    ],
    [
      "服务无权读写所需的文件（模型、缓存、数据或设备路径：EACCES）",
      "给服务的运行用户授权（对模型和缓存目录如 HF_HOME 执行 chown/chmod），或把缓存指向它自己的目录",
    ],
  ),
};
