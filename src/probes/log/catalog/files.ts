/**
 * Causes of the host's files and the service's install: the disk, file handles, permissions, the model's files, the
 * native libraries, Python modules and programs the service needs. Most need a person before a restart can help.
 */
import { type Cause, EXIT, HUB_URL, t } from "./types.js";

export const diskFull: Cause = {
  id: "disk_full",
  restartHelps: false,
  regexes: [
    // Not PyTorch's shared-memory files (/dev/shm is full: shm_bus_error).
    /(?<!unable to write to file <\/torch_[^\n]*)No space left on device/,
    /no space left on device/,
    /\[Errno 28\]/,
    /ENOSPC: no space/,
    /Not enough free disk space|[Ii]nsufficient disk space|[Nn]ot enough disk space|[Nn]ot enough storage space/,
    // EDQUOT: the user's quota is full, which the service meets as a full disk.
    /[Dd]isk quota exceeded/,
    /\[Errno 122\]/,
    // Rust's io::Error gives the errno: 28 ENOSPC, 122 EDQUOT; Windows' ERROR_DISK_FULL is 112.
    /\(os error (?:28|122|112)\)/,
    /not enough space on the disk/,
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
    /Too many (?:open files|files open)/,
    /too many open files/,
    /\[Errno 24\]/,
    /accept EMFILE/,
    /EMFILE: too many/,
  ],
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
    // Not huggingface_hub's negative-cache note, which goes on without it.
    /(?<!Will ignore error and continue[^\n]*)\[Errno 13\] Permission denied/,
    /PermissionError: \[WinError 5\]/,
    /EACCES: permission denied/,
    // Go's *PathError: the operation, the path, then the errno's text.
    /(?:open|mkdir|stat|lstat|chmod|chown|remove|rename|create|unlinkat|mkdirall) \S+: permission denied/,
    /: Permission denied$/,
    /[Gg]ot permission denied while trying to connect/,
    /Failed to initialize NVML: Insufficient Permissions/,
    /Permission denied \(os error 13\)/,
    // EPERM: a capability or a mount flag the service lacks (in containers, often a seccomp profile).
    /\[Errno 1\] Operation not permitted/,
    // EROFS: the cache or model directory is on a read-only mount.
    /\[Errno 30\] Read-only file system|EROFS: read-only file system/,
    EXIT(126),
    // Windows' ERROR_ACCESS_DENIED as a launcher prints it on a line of its own.
    /^Access is denied\.$/,
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

export const modelCorrupt: Cause = {
  id: "model_corrupt",
  restartHelps: false,
  regexes: [
    /SafetensorError/,
    /Error while deserializing header/,
    /invalid load key, /,
    /PytorchStreamReader failed reading/,
    /invalid (?:file )?magic (?:characters|number)|Error: invalid file magic/,
    // ggml's loaders (whisper.cpp, llama.cpp) check the file's first bytes.
    /\(bad magic\)|[Bb]ad magic number/,
    /data is not within the file bounds/,
    /model is corrupted or incomplete/,
    /EOFError: Ran out of input/,
    /pickle data was truncated/,
    /The file might be corrupted/,
    /INVALID_PROTOBUF/,
    /Protobuf parsing failed/,
    // safetensors' header checks, a .pt that is not a zip archive, a download whose digest does not match.
    /HeaderTooLarge|MetadataIncompleteBuffer|InvalidHeaderDeserialization/,
    /BadZipFile|digest mismatch|[Cc]hecksum mismatch|[Ss][Hh][Aa]256 mismatch/,
    /integrity check failed|the download may be incomplete/,
  ],
  text: t(
    [
      "a model file is corrupt or incomplete (an interrupted download, or a web page saved as the model)",
      "delete the file and download it again (check its size or sha256 against the hub); " +
        "with git, install git-lfs first",
    ],
    [
      "模型文件损坏或不完整（下载中断，或把网页保存成了模型文件）",
      "删除该文件并重新下载（对照模型仓库核对大小或 sha256）；用 git 下载时先安装 git-lfs",
    ],
  ),
};

// A library that tried the preferred file, did not find it and loads another says so: that is no failure.
const NOT_A_FALLBACK = "(?<!An error occurred while trying to fetch[^\\n]*)";
// How tools say a file is missing before they name it.
const MISSING_WORDS = "[Uu]nable to (?:find|open)(?: file)?|[Cc]ould not find|[Cc]annot find|File not found:?";
// A model file's name, by its extension (weights, configs, exported engines, ggml/gguf).
const MODEL_FILE = "[^'\"\\s]*\\.(?:safetensors|bin|ckpt|pth?|gguf|ggml|onnx|engine|plan|trt|mlmodelc)\\b";

export const modelNotFound: Cause = {
  id: "model_not_found",
  restartHelps: false,
  regexes: [
    /is not a local folder and is not a valid model identifier/,
    /RepositoryNotFoundError/,
    /Repository Not Found for url/,
    new RegExp(`${NOT_A_FALLBACK}does not appear to have a file named`),
    new RegExp(`${NOT_A_FALLBACK}Error no file named `),
    /Unable to load weights from checkpoint file/,
    /model ['"][^'"]+['"] not found, try pulling it first/,
    /pull model manifest: (?:file does not exist|model not found)/,
    /No such file or directory: .*(?:\.(?:safetensors|bin|ckpt|pth?|gguf|onnx|engine|plan)|config\.json)'/,
    // ENOENT on any file under a models directory (a TTS model's yaml, a tokenizer): the model is not all there.
    /No such file or directory: '[^']*(?:pretrained_models|[Mm]odels?|checkpoints?|weights)\/[^']*'/,
    // ggml's loaders (gguf, whisper.cpp) name the path they could not open.
    /_from_file[a-z_]*: failed to open/,
    // A model file named as missing, in any tool's words (Triton, Kokoro, ModelScope, A1111).
    new RegExp(`${NOT_A_FALLBACK}(?:${MISSING_WORDS}) '?${MODEL_FILE}`),
    new RegExp(`${MODEL_FILE}'? (?:does )?not exist|${MODEL_FILE}: No such file or directory`),
    // ComfyUI's validation of a loader's file name against the files it has, openai-whisper's and faster-whisper's.
    new RegExp(`${MODEL_FILE}' not in \\[`),
    /Model \S+ not found; available models|Invalid model size '/,
    /No checkpoints found|[Cc]an.t run without a checkpoint/,
    /Incorrect path_or_model_id/,
    /Can't load (?:tokenizer|config|the model) for '|Can't load tokenizer using from_pretrained/,
    /OSError: file \S+\/config\.json not found/,
    /GatedRepoError|Cannot access gated repo/,
    // ModelScope's and the hubs' "not there or private": a wrong name, a removed model, or a login needed.
    /NotExistError|RevisionNotFoundError|has no revision: /,
    /may not exist or (?:may be|is) +private/,
    /\b40[134] Client Error\. \(Request ID: /,
    // A hub's 401/403/404: the name is wrong, the model was removed, or it needs a login (gated).
    new RegExp(`\\b40[134] Client Error: [^:]*for url: ${HUB_URL}`),
    new RegExp(`Client error '40[134] [^']*' for url '${HUB_URL}`),
    // Download tools' own words for a 401/403/404: wget, curl.
    /server returned error: HTTP\/\d(?:\.\d)? 40[134]\b|ERROR 40[134]: (?:Not Found|Forbidden|Unauthorized)/,
    /The requested URL returned error: 40[134]\b/,
    // Civitai: the model needs an API key (a login) or the API refused it.
    /requires a personal CivitAI API key|API Status Code 40[134]\)/,
    /(?<!Local)EntryNotFoundError/,
    /no version is available|Not loaded: No model version/,
  ],
  text: t(
    [
      "the model (or its weights) was not found at the configured name or path, or the hub refused it (401/403/404)",
      "check the model name/path in the service's config; " +
        "download the weights (huggingface-cli download, ollama pull) or log in for gated models",
    ],
    [
      "在配置的名称或路径下找不到模型（或其权重文件），或模型仓库拒绝访问（401/403/404）",
      "检查服务配置中的模型名称/路径；下载权重（huggingface-cli download、ollama pull），受限模型需先登录",
    ],
  ),
};

export const missingLibrary: Cause = {
  id: "missing_library",
  restartHelps: false,
  regexes: [
    /error while loading shared libraries/,
    // Not a probe for an optional library that goes on without it (TensorFlow's CUDA libraries, NCCL's net plugin).
    /(?<!(?:dso_loader\.cc:\d+\] Could not load dynamic library|NET\/Plugin)[^\n]*)cannot open shared object file/,
    /Could not load library lib|Could not load library \S+\.dll/,
    /Unable to load any of \{lib/,
    /Failed to find dynamic library: lib/,
    /\[WinError 126\]/,
    /Could not locate \S+\.dll/,
    /DLL load failed/,
    // The loader found the library but not the version a binary was built against (an older libstdc++ or glibc).
    /version .(?:GLIBC|GLIBCXX|CXXABI)_[\d.]+. not found/,
    /Library not loaded: /,
    // CTranslate2 (faster-whisper) and others probe for CUDA libraries by name.
    /[Ll]ibrary \S+\.(?:so|dll)\S* is not found|is not found or cannot be loaded/,
  ],
  text: t(
    [
      "a native library the service needs (a .so such as libcudnn, libcudart, libGL) cannot be found by the loader",
      "install the package that provides it (the NVIDIA driver for libcuda/libnvidia-ml, the cuDNN/CUDA runtime " +
        "matching the build, libgl1 for OpenCV), or add its directory to LD_LIBRARY_PATH",
    ],
    [
      "动态链接器找不到服务所需的原生库（.so，如 libcudnn、libcudart、libGL）",
      "安装提供该库的软件包（libcuda/libnvidia-ml 来自 NVIDIA 驱动，与构建匹配的 cuDNN/CUDA 运行库，OpenCV 需 libgl1），" +
        "或把其目录加入 LD_LIBRARY_PATH",
    ],
  ),
};

export const missingDependency: Cause = {
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
};

export const execNotFound: Cause = {
  id: "exec_not_found",
  restartHelps: false,
  regexes: [
    // Not SGLang's hang dump that could not find py-spy: the hang is the failure.
    /(?<!Pyspy failed to dump[^\n]*)command not found/,
    /executable file not found in \$PATH/,
    /status=127\//,
    /status=203\/EXEC/,
    EXIT(127),
    // Windows' cmd: 9009 is its "not recognized as an internal or external command" (Python not on the PATH).
    EXIT(9009),
    /is not recognized as an internal or external command|Python was not found; run without arguments/,
    /No such file or directory: '[^']*': '[^']*'/,
    /sh: \d+: [^ :]+: not found/,
    /: line \d+: (?:exec: )?[^ :]+: not found/,
    // Audio front ends run ffmpeg (pydub, whisper): it is a program, not a Python module.
    /[Cc]ouldn.t find ffmpeg|ffmpeg (?:was )?not found|[Ff]ile not found: ffmpeg/,
    /Error: spawn \S+ ENOENT/,
    /fork\/exec \S+: no such file or directory/,
    // An entrypoint or interpreter that is not there (or a script with CRLF line ends: `python\r`).
    /exec \S+: no such file or directory|\/usr\/bin\/env: .[^ ]*.: No such file or directory/,
    /\[WinError 2\] The system cannot find the file specified\.?$/,
    new RegExp("\\[WinError 2\\] \u7cfb\u7edf\u627e\u4e0d\u5230\u6307\u5b9a\u7684\u6587\u4ef6\u3002?$"), // 系统找不到指定的文件。
  ],
  text: t(
    [
      "a program the service runs was not found (exit 127: not installed, or not on the PATH it runs with)",
      "install the program, or give its full path (cron and systemd run with a short PATH: set PATH= in the unit)",
    ],
    [
      "找不到服务要运行的程序（退出码 127：未安装，或不在其运行时的 PATH 中）",
      "安装该程序，或写出完整路径（cron 和 systemd 的 PATH 很短：在单元文件中设置 PATH=）",
    ],
  ),
};
