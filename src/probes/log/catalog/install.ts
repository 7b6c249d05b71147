/**
 * Causes of the service's install: the native libraries and Python modules it needs (programs: programs.ts). None is
 * fixed by a restart: a person installs what is missing first.
 */
import { type Cause, GOES_ON, t } from "./types.js";

export const missingLibrary: Cause = {
  id: "missing_library",
  restartHelps: false,
  regexes: [
    /error while loading shared libraries/,
    // Not a probe for an optional library that goes on without it (TensorFlow's CUDA libraries, NCCL's net plugin,
    // the optional plugins of a desktop's daemons: udisks' RAID, tumbler's thumbnailers), nor the loader's LD_PRELOAD
    // of a library that is not there (`... cannot be preloaded (...): ignored.`).
    new RegExp(
      "(?<!(?:dso_loader\\.cc:\\d+\\] Could not load dynamic library|NET\\/Plugin|LD_PRELOAD cannot be preloaded|" +
        "failed to load module \\w+: libbd_|tumblerd\\[\\d+\\]: Failed to load plugin)[^\\n]*)" +
        "cannot open shared object file",
    ),
    /Could not load library lib|Could not load library \S+\.dll/,
    // A PyInstaller bundle's DLL that did not load; the container toolkit's loader (`load library failed: lib...`).
    /Failed to load dynlib\/dll|load library failed: lib[\w.-]+\.so/,
    // An ImportError that names a native library (`ImportError: libGL.so.1`); eSpeak's loader in audio.cpp.
    /ImportError: lib[\w+-]+\.so\b|; install the shared library or provide its path/,
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
  // NVIDIA's installer checks for libglvnd and installs it when it is not there.
  recoveries: [/Will install libglvnd libraries/],
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
    // uvicorn could not import the app's module (the error it carries, when shown, names the module).
    /Error loading ASGI app\. Could not import module/,
    new RegExp("\u5bfc\u5165\u5931\u8d25"), // 导入失败: import failed
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
    // FunASR tries a model's own remote code (`No module named 'model'`) and then loads it another way.
    /Loading remote code failed/,
    // faiss tries its AVX2 (AVX512) build first and loads the generic one when that module is not there.
    /Could not load library with AVX\w* support due to/,
    /[Ff]alling back (?:to|on)|will fall ?back to|optional (?:dependency|dependencies|module|package)/,
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
  // xformers' warning says the import error it goes on without on its second line (`Error caught was: No module
  // named 'triton'`). That line names nothing alone; it is a match only so that the warning's excuse is spent on it,
  // and not on a later import error that stops the program.
  weak: { regexes: [/Error caught was: No module named/], evidence: [] },
  // comfy_kitchen lists each backend it found, with why one is not available (`'unavailable_reason': "ImportError`);
  // PyOpenGL's note that its optional C accelerator is not there; Crystools' GPU monitor without pynvml.
  recoveries: [
    /'unavailable_reason': "ImportError/,
    /No OpenGL_accelerate module loaded|No GPU monitoring libraries available/,
  ],
  text: t(
    [
      "a Python module is missing or fails to import",
      "install it in the service's environment (pip install ...) and restart",
    ],
    ["缺少 Python 模块或导入失败", "在服务所用环境中安装（pip install ...）后重启"],
  ),
};
