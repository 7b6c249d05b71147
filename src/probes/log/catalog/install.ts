/**
 * Causes of the service's install: the native libraries, Python modules and programs it needs. None is fixed by a
 * restart: a person installs what is missing first.
 */
import { type Cause, EXIT, GOES_ON, t } from "./types.js";

export const missingLibrary: Cause = {
  id: "missing_library",
  restartHelps: false,
  regexes: [
    /error while loading shared libraries/,
    // Not a probe for an optional library that goes on without it (TensorFlow's CUDA libraries, NCCL's net plugin),
    // nor the loader's LD_PRELOAD of a library that is not there (`... cannot be preloaded (...): ignored.`).
    new RegExp(
      "(?<!(?:dso_loader\\.cc:\\d+\\] Could not load dynamic library|NET\\/Plugin|LD_PRELOAD cannot be preloaded|" +
        "failed to load module \\w+: libbd_)[^\\n]*)cannot open shared object file",
    ),
    /Could not load library lib|Could not load library \S+\.dll/,
    // macOS's loader: a library or symbol that is not there (`dlopen(x.dylib, 0x0006): symbol not found`).
    /dlopen\([^)\n]*\): (?:symbol not found|Library not loaded|image not found|no suitable image found)/,
    /Unable to load any of \{lib/,
    // cuDNN's and cuBLAS's loaders (CTranslate2, torch) on the line after: the library was not loaded, so no symbol.
    /Invalid handle\. Cannot load symbol /,
    /Failed to find dynamic library: lib/,
    // 126: a DLL (or one it needs) is not there; 127: it is there, but not the version the caller was built for.
    /\[WinError 12[67]\]/,
    /Could not locate \S+\.dll/,
    /DLL load failed/,
    // phonemizer (TTS front ends) loads libespeak-ng and says so when it is not there.
    /espeak not installed on your system/,
    // torch's own words on Windows for a DLL that does not load, a .so cut short, cuDNN older than torch's build.
    /Error loading "[^"]+\.dll" or one of its dependencies|\.so[\d.]*: cannot read file data/,
    /cuDNN version incompatibility/,
    // The loader found the library but not the version a binary was built against (an older libstdc++ or glibc).
    /version .(?:GLIBC|GLIBCXX|CXXABI)_[\d.]+. not found/,
    // The same in the loader's other words: a symbol the library it found does not have.
    /: undefined symbol: /,
    // Windows' STATUS_DLL_NOT_FOUND as an exit status (hex, unsigned, signed), and a DLL named as not found.
    /0xc0000135\b|\b3221225781\b|-1073741515\b/,
    /[\w.-]+\.dll (?:was )?not found/,
    // A build that looks for CUDA's libraries (CMake's FindCUDNN).
    /Could NOT find (?:CUDNN|cuDNN|CUDA|NCCL)\b/,
    /Library not loaded: /,
    // The linker, also run at start-up by JIT compilers (Triton's kernels link against libcuda).
    /\bld: cannot find -l\S+/,
    // CTranslate2 (faster-whisper) and others probe for CUDA libraries by name.
    /[Ll]ibrary \S+\.(?:so|dll)\S* is not found|is not found or cannot be loaded/,
    // Windows' ERROR_MOD_NOT_FOUND (126) in any caller's words: a DLL or one of its dependencies is not there.
    // Not ONNX Runtime's `EP Error`, after which it falls back to the next execution provider and goes on.
    /(?<!EP Error[^\n]*)(?:LoadLibrary(?:ExW?|W)? failed with error 126\b|ERROR_MOD_NOT_FOUND)/,
    /(?<!EP Error[^\n]*)The specified module could not be found/,
    // Python's ctypes on Windows, a library a package names itself (`PortAudio library not found`, `cannot load MPI
    // library`).
    /Could not load shared object file|Could not find module [^\n]*\.dll/,
    /\b[\w-]+ library not found|[Cc]annot load (?:the )?[\w-]+ library/,
    // ONNX Runtime's CUDA provider found CUDA_PATH but not CUDA's or cuDNN's DLLs.
    /CUDA wasn.t able to be loaded|CUDA wasnt able to be loaded/,
    // Triton (the compiler) finds only a versioned libcuda.so.1 and asks for the unversioned name it links against.
    /libcuda\.so cannot found|[Pp]lease create a symlink of libcuda\.so/,
    // PaddlePaddle's core library is there, but a library it needs (libssl, libcudnn) is not.
    /Can not import paddle core while this file exists/,
    // cffi (soundfile's libsndfile), as dlopen's caller says it.
    /[Cc]annot load library '[^']+'|did not manage to locate a library called/,
    // NVML's own library (libnvidia-ml, from the driver) is not there; not vLLM's DEBUG trace of its platform checks.
    new RegExp(
      "(?<!DEBUG[^\\n]*)(?:NVMLError_LibraryNotFound|NVML Shared Library Not Found|ERROR_LIBRARY_NOT_FOUND|" +
        "couldn.t find libnvidia-ml\\.so library)",
    ),
    // TensorFlow without cuDNN; macOS' loader on a library without a symbol the caller needs.
    /DNN library is not found|dyld\[\d+\]: Symbol not found: /,
    // torchaudio's loader of its own extension (`Could not load this library: .../libtorchaudio.so`).
    /Could not load this library: \S+\.so/,
    // llama-cpp-python finds no libllama of its own build; a PyInstaller bundle's bootloader no Python DLL.
    /Shared library with base name '[^']+' not found|Error loading Python DLL '/,
  ],
  // A library file (`libtriton_tensorrt_plan.so`) named as not found in a loader's own words (a backend or plugin
  // directory): named only when no line names a cause outright.
  carriers: [
    /(?:[Uu]nable to find|[Cc]ould not find|[Cc]annot find) '?lib[\w.+-]*\.so\b/,
    // Not at a warning level: the container toolkit's CDI generator looks for X libraries it can do without, and
    // bitsandbytes for libcudart in one path before the next (`CUDA_SETUP: WARNING! libcudart.so not found in ...`).
    // Nor the device plugin on WSL looking in each driver folder in turn (`Core Nvidia library libcuda.so not found`).
    new RegExp(
      `(?<!level=warn[^\\n]*|Core Nvidia library )${GOES_ON}\\blib[\\w.+-]*\\.so[\\d.]*'? (?:was |is )?not found`,
    ),
  ],
  // An optional native extension at WARNING level (vLLM's `Failed to import from vllm._C with ImportError(
  // 'libcuda.so.1: ...')` on a CPU-only host): the service goes on without it, so that loader error is not the cause.
  // A Python warning (torch's lazy load of one cuDNN sub-library, `UserWarning: Attempt to open cnn_infer failed`)
  // is printed and the program goes on.
  excuses: [
    // koboldcpp goes on without OpenBLAS (`... not found. Non-BLAS library will be used.`).
    /[Nn]on-BLAS library will be used/,
    // xformers goes on without a Triton its DLL does not load (`A matching Triton is not available, ...`).
    /some optimizations will not be enabled/,
    // SGLang skips a model whose native extension does not load (`Ignore import error when loading ...`).
    /Ignore import error when loading/,
    /(?<=WARN[^\n]*)[Ff]ailed to import/,
    /(?<=(?:User|Runtime)Warning: [^\n]*)(?:cannot open shared object file|[Ff]ailed to load|Could not load)/,
    // A ComfyUI monitor (Crystools) goes on without its GPU figures.
    /Could not init pynvml/,
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
    // A package's own exception for a dependency it needs (NeMo's `LightningNotInstalledException`).
    /\w+NotInstalled(?:Exception|Error)\b/,
    // transformers: an attention implementation asked for whose package is not there (`flash_attn`).
    /the package \S+ seems to be not installed/,
    // torchaudio without an audio backend (soundfile, sox, ffmpeg's libraries), or without the one it was asked for.
    /Couldn.t find appropriate backend to handle uri|requires \w+, but we failed to import it/,
    // A library's version check: numba against NumPy, transformers' quantization against bitsandbytes.
    /Numba needs NumPy \S+ or (?:less|greater)|requires the latest version of \w+: `?pip install/,
    /'[\w.-]+' must be installed to use/,
    // An app's own check, with the command to fix it (`FunASR not installed. Please run: pip install funasr`).
    /not installed\. Please run: pip install/,
    // torch.compile's inductor without a usable Triton (raised when a node runs, not a start-up notice).
    /TritonMissing|Cannot find a working triton installation/,
    // transformers' lazy import of a module that failed (the error after it says why).
    /Failed to import [\w.]+ because of the following error/,
    // A native module built against NumPy 1.x, imported under NumPy 2.
    /A module that was compiled using NumPy 1\.x cannot be run in/,
    // torchaudio 2.9 removed its backend functions; a library that calls them needs another torchaudio.
    /module 'torchaudio' has no attribute '/,
    /Detected incompatible Protobuf Gencode\/Runtime versions/,
    // LangChain's integrations name the package and how to install it.
    /Could not import [\w.-]+ python package/,
    // A service's own check that an optional package imported (`assert FLASH_ATTN_2_AVAILABLE`).
    /assert \w+_AVAILABLE\b/,
  ],
  // A warning that the service goes on without an optional module (xformers without Triton, a version file that
  // is not built): the import error right after it, or on its own line, is no failure.
  excuses: [
    /some optimizations will not|will not be available|won.t be available|will not be enabled/,
    // SGLang skips a model whose imports fail (`Ignore import error when loading sglang.srt.models.X: ...`).
    /Ignore import error when loading/,
    // comfy_kitchen lists each backend it found, with why one is not available (`'unavailable_reason': "ImportError`).
    /'unavailable_reason': "ImportError/,
    // FunASR tries a model's own remote code (`No module named 'model'`) and then loads it another way.
    /Loading remote code failed/,
    // faiss tries its AVX2 (AVX512) build first and loads the generic one when that module is not there.
    /Could not load library with AVX\w* support due to/,
    /[Ff]alling back (?:to|on)|will fall ?back to|optional (?:dependency|dependencies|module|package)/,
    // PyOpenGL's note that its optional C accelerator is not there; Crystools' GPU monitor without pynvml.
    /No OpenGL_accelerate module loaded|No GPU monitoring libraries available/,
    new RegExp("\u56de\u9000\u5230"), // 回退到: falls back to
    // The fallback said right after the import error: `flash_attn not installed, disabling Flash Attention`.
    /(?:not installed|not available|is unavailable)[,;:.]? +(?:[Dd]isabling|[Ss]kipping|[Uu]sing |[Pp]roceeding w)/,
    // Not a runner that crashed on it, said at WARNING by its supervisor (exo: `crashed with critical exception`).
    /Warning: [^\n]*[Ff]ailed to (?:read|import|load)/,
    /(?<=WARN[^\n]*)(?<!crashed[^\n]*)(?:[Ff]ailed to import|No module named)/,
    // The same said at INFO or DEBUG (onediff: `INFO ... Failed to register_diffusers_quant e=ModuleNotFoundError`).
    /(?<=(?:INFO|DEBUG)\]? [^\n]*)(?:[Ff]ailed to (?:import|register)|No module named)/,
    // A warning's text printed before its source line (`warnings.warn(`): pyannote without torchcodec goes on.
    /^ *warnings\.warn\($/,
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
    // Go's exec on Linux ($PATH) and Windows (%PATH%); supervisord's own words for a program that is not there.
    /executable file not found in (?:\$PATH|%PATH%)|can't find command '/,
    /status=127\//,
    /status=203\/EXEC/,
    /Failed at step EXEC spawning \S+: No such file or directory/,
    // Python handed a script path that is not there (`python: can't open file '/app/server.py': [Errno 2]`).
    /can't open file '[^']+': \[Errno 2\]/,
    // coreutils that run a command (nohup, env, timeout, nice) and did not find it.
    // Their quotes are curly in a UTF-8 locale (‘x’).
    new RegExp("failed to run command [\u2018'][^\u2019']+[\u2019']: No such file or directory"),
    // Go's exec for a path that is not there (runc starting a container's entrypoint: `exec: "/start.sh": stat ...`).
    /exec: "[^"]+": stat [^\n:]+: no such file or directory/,
    EXIT(127),
    // Windows' cmd: 9009 is its "not recognized as an internal or external command" (Python not on the PATH).
    EXIT(9009),
    /is not recognized as an internal or external command|Python was not found; run without arguments/,
    // PowerShell's, and .NET's Process.Start (Win32 error 2: the file is not there).
    /is not recognized as the name of a cmdlet|CommandNotFoundException/,
    // Ubuntu's command-not-found hook; a shell asked to run a program by a path that is not there.
    /^Command '[^']+' not found, (?:but|did you mean)/,
    /^-?(?:ba|da|z)?sh: (?:line \d+: )?\.?\/\S+: No such file or directory$|^zsh: no such file or directory: /,
    /Win32Exception \(2\): An error occurred trying to start process/,
    /No such file or directory: '[^']*': '[^']*'/,
    /sh: \d+: [^ :]+: not found/,
    /: line \d+: (?:exec: )?[^ :]+: not found/,
    // Audio front ends run ffmpeg (pydub, whisper): it is a program, not a Python module.
    /[Cc]ouldn.t find ff(?:mpeg|probe)|[Ff][Ff][Mm][Pp][Ee][Gg] (?:was |is )?not found|[Ff]ile not found: ffmpeg/,
    /\b(?:ffmpeg|ffprobe|FFmpeg) is not installed/,
    /\b(?:ffmpeg|ffprobe|sox|espeak|nvcc)\b[^\n]{0,60}(?:could|can) ?not be found/,
    // The same for any program a node or a server looks up itself: `Could not find ffmpeg`, `No valid ffmpeg
    // found` (ComfyUI nodes), `Cannot find ffmpeg` (fluent-ffmpeg), `llama-server binary not found` (Ollama).
    new RegExp(
      ["[Cc]ould not find", "[Cc]annot find", "[Uu]nable to find"]
        .map((w) => `${w} (?:either )?(?:ffmpeg|ffprobe|sox|espeak|git|nvcc)\\b`)
        .join("|"),
    ),
    /No valid (?:ffmpeg|ffprobe|sox)\b|[\w.-]+ (?:binary|executable) not found\b/,
    // A program the service asks the user to install (`请先安装ffmpeg`, "please install sox"). Not a notice that
    // it is not installed: FunASR says so and reads audio with torchaudio instead.
    new RegExp(
      "(?:\u8bf7\u5148\u5b89\u88c5|\u8bf7\u5b89\u88c5|[Pp]lease install) ?(?:ffmpeg|FFmpeg|sox|espeak|nvcc)\\b",
    ),
    // Python's subprocess: a bare program name, not a path (FileNotFoundError for ffmpeg, git, sox).
    /\[Errno 2\] No such file or directory: '[\w.+-]+'$/,
    // A whole command line handed to subprocess without a shell: its first word is taken as the program.
    /\[Errno 2\] No such file or directory: '[\w.+-]+ -/,
    // ... or a program and its subcommand (`'accelerate launch`, cut off in a title).
    /\[Errno 2\] No such file or directory: '[\w.+-]+ [a-z][\w.-]*(?:$| |')/,
    // The same with the program's full path (`/usr/local/bin/vllm`): a bin directory holds programs, not data.
    /\[Errno 2\] No such file or directory: '[^']*\/s?bin\/[^'\/ ]+(?: [^']*)?'/,
    /execve\(\): [^:]+: No such file or directory/,
    /^\/bin\/(?:ba)?sh: (?:line \d+: )?[^:]+: No such file or directory$/,
    // GitPython without git on the PATH (ComfyUI-Manager), LocalAI without the backend it spawns over gRPC.
    /Bad git executable|git executable not found/,
    // Triton's JIT without a C compiler; ComfyUI-Manager without pip or uv in its environment.
    /Failed to find C compiler|nor `uv` are available/,
    // The programs AI services most often run and miss: ffmpeg's tools (pydub, EDGE-TTS), nvidia-smi in a container.
    /No such file or directory: '(?:ffprobe|ffmpeg)'|nvidia-smi(?:: command)? not found/,
    // zsh running a script names the script and line (`continue_script:24: no such file or directory: ./venv/...`).
    /^[\w.-]+:\d+: no such file or directory: /,
    // ffmpy and similar wrappers: `FFExecutableNotFoundError: Executable 'ffprobe' not found`.
    /ExecutableNotFoundError|[Ee]xecutable '[^']+' not found/,
    /[Cc]ould not find (?:the )?executable '?[\w.+-]+/,
    /grpc process not found: /,
    // LocalAI: the backend (a program it runs over gRPC) is not installed.
    /[Bb]ackend not found: [\w.-]+|ERROR Backend not found backend=/,
    /Error: spawn \S+ ENOENT/,
    /fork\/exec \S+: no such file or directory/,
    /failed to exec\b[^\n]*[Nn]o such file or directory/,
    // tini's and binfmt_misc's words: an entrypoint that is not there, an executable format nothing runs.
    /exec \S+ failed: No such file or directory|run-detectors: unable to find an interpreter/,
    // pip's Windows launcher (uvicorn.exe) whose python.exe is gone (a moved or deleted venv).
    /Fatal error in launcher: Unable to create process using/,
    // bash: the file's interpreter (its ELF loader, or its #! line: `/bin/bash^M` with CRLF ends) is not there.
    /cannot execute: required file not found|bad interpreter: No such file or directory/,
    // git without its https helper.
    /git: 'remote-https?' is not a git command/,
    // An entrypoint or interpreter that is not there (or a script with CRLF line ends: `python\r`).
    /exec \S+: no such file or directory|\/usr\/bin\/env: .[^ ]*.: No such file or directory/,
    /\[WinError 2\] The system cannot find the file specified\.?$/,
    new RegExp("\\[WinError 2\\] \u7cfb\u7edf\u627e\u4e0d\u5230\u6307\u5b9a\u7684\u6587\u4ef6\u3002?$"), // 系统找不到指定的文件。
  ],
  // subprocess's CreateProcess on Windows: `[WinError 2]` in the system's language, after the call that starts a
  // program (ffmpeg through ffmpeg-python).
  weak: { regexes: [/FileNotFoundError: \[WinError 2\] /], evidence: [/_winapi\.CreateProcess\(|in _execute_child$/] },
  // A1111's start script checks TCMalloc with `bc`, and goes on without it.
  // pydub warns that it did not find ffmpeg and goes on (the import works; a later conversion may not).
  // A notice that names the program used instead (FunASR: `ffmpeg is not installed. torchaudio is used to load audio`).
  excuses: [
    /^Check TCMalloc: /,
    /defaulting to ffmpeg, but may not work/,
    /is not installed\. \w+ is used /,
    // LocalAI's entry script without nvidia-smi starts on the CPU (`GPU acceleration will not be available`).
    /acceleration will not be available/,
  ],
  // A program, executable or binary named as not found, in any tool's words.
  // Not a prebuilt library (llamafile's `prebuilt binary /zip/ggml-cuda.so not found`, then its CPU build).
  broad: [/(?:[Ee]xecutable|[Bb]inary|[Pp]rogram) ['"]?[\w.+\/-]+(?<!\.so)(?<!\.dll)['"]? (?:was |is )?not found/],
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
