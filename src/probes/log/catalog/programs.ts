/**
 * A program the service runs that is not there (not installed, not on the PATH, a script at a wrong path): a
 * restart does not help until it is installed or the path is fixed.
 */
import { type Cause, EXIT, t } from "./types.js";

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
        .map((w) => `${w} (?:either |installation of )?(?:ffmpeg|ffprobe|sox|espeak|git|nvcc)\\b`)
        .join("|"),
    ),
    /No valid (?:ffmpeg|ffprobe|sox)\b|[\w.-]+ (?:binary|executable) not found\b/,
    // LocalAI's backend binary that is not where it looks (`backend not found: /tmp/localai/.../grpc/llama-cpp`).
    /backend not found: \//,
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
