/**
 * Wrappers: a runner, engine, model load or job that failed, which say that something failed and not why. Any other
 * cause in the same read wins over them; they are named when no line says why.
 */
import { type Cause, GOES_ON, IN_ERROR, t } from "./types.js";

export const runnerNotStarted: Cause = {
  id: "runner_not_started",
  wrapper: true,
  regexes: [
    // Ollama names its runner `llama runner`, and since it runs llama.cpp's own server, `llama-server`, whose
    // load retries say the same words at WARN and go on (the old runner's WARN is its end).
    new RegExp(`timed out waiting for llama runner to start|${GOES_ON}timed out waiting for llama-server to start`),
    /failed to start a llama runner/,
    new RegExp(`llama runner process has terminated|${GOES_ON}llama-server process has terminated`),
    /llama runner terminated/,
    new RegExp(`llama runner process no longer running|${GOES_ON}llama-server process no longer running`),
    /error loading llama server/,
    // The runner's process could not be started at all (a binary for another CPU, a file that is gone).
    /error starting (?:the )?(?:external )?llama (?:runner|server)/,
    // A launcher that started llama-server and waited for it in vain (ramalama).
    /(?:llama-server|runner)\b[^\n]*did not become ready/,
    // llama-swap: the server it started never passed its health check.
    /unable to start process: /,
    // Tabby's supervisor: the llama-server it runs ended.
    /llama-server\b[^\n]* exited with status code -?\d/,
    // Ollama's server asked the runner it started to load the model, and the runner was gone.
    /do load request: (?:Post|Get) /,
    // The same said as logfmt (`msg="do load request" error="Post \"http://127.0.0.1:38123/load\": EOF"`).
    /msg="do load request" error="(?:Post|Get) /,
    // Ollama's MLX runner (Apple silicon) that never came up.
    /timeout waiting for mlx runner/,
    // A launcher's model server that died while it started, or never answered its health check (llama-swap).
    /server process died during startup/,
    // Jan: its llama.cpp process ended with an error.
    /LLAMA_CPP_PROCESS_ERROR|The model process encountered an unexpected error/,
    /Connection refused on http:\/\/(?:127\.0\.0\.1|localhost)\S*\/health, retrying/,
  ],
  // The runner ended on a model its version cannot run: model_load_failed names that line.
  excuses: [/this model is not supported by your version of Ollama/],
  text: t(
    [
      "the model runner (Ollama's llama server) did not start or died while loading",
      "read the runner's lines before this one for the reason; for slow loads raise OLLAMA_LOAD_TIMEOUT",
    ],
    [
      "模型运行进程（Ollama 的 llama server）未能启动或在加载时退出",
      "查看此行之前运行进程的日志找原因；加载慢时调大 OLLAMA_LOAD_TIMEOUT",
    ],
  ),
};

export const modelLoadFailed: Cause = {
  id: "model_load_failed",
  wrapper: true,
  regexes: [
    /failed to load '[^']+' version \d+/,
    /failed to load all models/,
    /llama_load_model_from_file: failed to load model/,
    /llama_model_load: error loading model/,
    /[Ff]ailed to load (?:the )?(?:[\w-]+ )?model\b/,
    // Not A1111's `Failed to create model quickly; will retry using slow method`.
    /[Ff]ailed to create (?:the )?[\w-]+ model\b/,
    // SD.Next's loader; async_cosyvoice on a model folder of another CosyVoice.
    /Diffusers failed loading|no valid model_type!/,
    // diffusers without the model's pipeline class; tokenizers too old for a tokenizer.json.
    /AutoPipeline can't find a pipeline linked to|did not match any variant of untagged enum \w+/,
    // MLC's TVM runtime on a model library built by another version.
    /TVM runtime cannot find vm_load_executable/,
    // A1111's task line for a checkpoint that did not load (`loading stable diffusion model: OSError`).
    /loading stable diffusion model: \w+/,
    // TensorRT: an engine serialized by another TensorRT version than the one that loads it.
    /Serialization assertion stdVersionRead == kSERIALIZATION_VERSION failed|Version tag does not match/,
    // The same in Chinese: 模型加载失败, 加载模型失败, 模型 X 加载失败.
    new RegExp("\u6a21\u578b[^\\n]{0,60}\u52a0\u8f7d\u5931\u8d25|\u52a0\u8f7d\u6a21\u578b\u5931\u8d25"),
    /(?:[Cc]ould not|[Uu]nable to) load (?:\w+ )?model\b/,
    // diffusers: the checkpoint lacks weights the model needs (another model's file); Triton, a platform it has not.
    /because the following keys are missing:|unexpected platform type \S+ for /,
    // llama.cpp loaded the weights but could not set up the context for them (its server, bench and CLI).
    /failed to create[ _]context with model\b/,
    // A TGI shard could not set its model up (the traceback after it says why).
    /Error when initializing model\b/,
    /model failed to load/,
    // Jan's cortex engine (`Model X failed to start. Model failed to start: ...`); LM Studio's loader.
    /[Mm]odel failed to start: |Received load-error/,
    // Tabby: a model directory whose tabby.json it cannot read.
    /Invalid metadata file: /,
    /ModelLoadFailed|Model load failed|[Mm]odel \S+ load failed: /,
    // llama.cpp's server gives up after the loader's error (`exiting due to model loading error`).
    /[Ee]rror loading model\b|exiting due to model loading error/,
    // Xinference's supervisor: the worker could not launch the model (the detail after it says why).
    /[Ff]ailed to launch (?:the )?model\b/,
    // TGI: a shard (one process per GPU) that did not start.
    /ShardCannotStart|Shard \d+ failed to start/,
    // PyTorch: the weights do not fit the model they are loaded into (the wrong file for a node or a loader).
    /Error\(s\) in loading state_dict for /,
    // torch.load's mmap on a checkpoint of the old format; exllamav2 on weights without a tensor the model needs.
    /mmap can only be used with files saved with|## Could not find \S+ in model/,
    // SGLang: a rank loaded its part while another did not (its error, when shown, names the cause).
    /could finish the model loading, but there are other ranks/,
    // A1111, Forge and SD.Next: changing the checkpoint raised (`setting sd_model_checkpoint to X: KeyError`).
    /setting sd_model_checkpoint to [^\n]*: \w*(?:Error|Exception)\b/,
    // torch.load's weights-only unpickler (the default since torch 2.6) refused an object of the checkpoint.
    /Weights only load failed/,
    /weights_only=True`` with TorchScript archives/,
    // ComfyUI's loaders, on weights whose model they do not recognize (before `Could not detect model type of`).
    /ERROR UNSUPPORTED (?:DIFFUSION MODEL|UNET|MODEL|CHECKPOINT) /,
    /size mismatch for [\w.]+:/,
    // accelerate's set_module_tensor_to_device: the checkpoint's tensor does not fit the model's (the wrong model).
    /Trying to set a tensor of shape [^\n]* \(which has shape /,
    // transformers or diffusers too old for the model's quantization (raised; the warning that skips it goes on).
    /ValueError: Unknown quantization type, got /,
    /[Mm]odel format not supported|[Uu]nsupported model format/,
    /Error loading (?:hypernetwork|embedding|LoRA|Lora|lora|VAE|vae|checkpoint) /,
    // The server (or the library under it) does not know the model's architecture: too old, or the wrong model.
    // Not said at WARNING by a loader that goes on (Fish Speech's tokenizer for config injection).
    new RegExp(`Model architectures \\[[^\\]]*\\] are not supported|${GOES_ON}does not recognize this architecture`),
    // TorchServe's and KServe's model server.
    /Load model failed: \S+, error: /,
    // Triton's model table at start-up: a model that did not load is UNAVAILABLE, with the reason.
    /\| UNAVAILABLE: /,
    // A backend that failed while it set a model instance up (TensorRT-LLM's, a config it could not parse).
    /error when creating modelInstanceState/,
    /' loading failed with error|which has no loaded version/,
    // A checkpoint whose tensors do not fit the model it is loaded into (InvokeAI: `expected shape ... but got`).
    /expected shape [^\n]*but got torch\.Size\(/,
    // text-embeddings-inference: no backend (Candle, ONNX, Python) could load the model.
    /Could not start (?:\w+ )?backend|Could not create backend/,
    // ComfyUI's checkpoint loader does not know the file's model type (a file for another loader or node).
    /Could not detect model type of|Failed to recognize model type/,
    // DiffSynth-Studio's loader: a file of weights it does not know (`We cannot detect the model type.`).
    /[Cc]annot detect the model type/,
    // ONNX Runtime's session on a model it could not load (an IR version or an operator it does not know); a missing
    // or corrupt file on the same line is named by its own cause.
    /Load model from \S+ failed:/,
    // A1111's safe unpickler refused a checkpoint (a damaged download's own error, when shown, names its cause).
    /Error verifying pickled file from /,
    // transformers on a config or tokenizer class it does not know (too old for the model); FunASR's registry without
    // the model's class (its remote code did not load).
    /Unrecognized model in \S+\. Should have a `model_type` key|Tokenizer class \w+ does not exist or is not currently/,
    /[Mm]odel '[\w.-]+' is not registered|AssertionError: \w+ is not registered/,
    // whisper.cpp: the context (the model) did not come up; a file whose tensors do not fit the model it names.
    /failed to initialize whisper context|model init +failed, no model loaded|failed to load Core ML model from/,
    /tensor '[^']+' has wrong (?:size|shape) in model file/,
    // Triton's TensorRT backend: the engine file does not load (built for another GPU or TensorRT version).
    /[Uu]nable to load plan file/,
    // TensorRT refuses an engine built by another TensorRT version or for another GPU (`please rebuild`).
    /engine plan file is (?:not compatible with this version|generated on an incompatible device)/,
    /Could not deserialize engine|deserializeCudaEngine: Error Code/,
    // Ollama's runner on a model architecture its version does not know; Xinference on an engine it has not.
    /this model is not supported by your version of Ollama|cannot be run on engine/,
  ],
  // A request refused because the model is not loaded, on an error line.
  broad: [IN_ERROR("Model not loaded"), IN_ERROR("model not loaded")],
  text: t(
    [
      "the inference server could not load the model",
      "read the lines before this one for the reason (file, memory, format); check the model path and its format",
    ],
    ["推理服务无法加载模型", "查看此行之前的日志找原因（文件、内存、格式）；检查模型路径及其格式"],
  ),
};

export const jobFailed: Cause = {
  id: "job_failed",
  wrapper: true,
  regexes: [
    /!!! Exception during processing ?!!!/,
    // ComfyUI's error report for a node that raised (its exception's type and message follow).
    /^#* ?ComfyUI Error Report$/,
    // A task worker that reports its task's exception (transcribee: `Worker failed with exception`).
    /Worker failed with exception$/,
    // ComfyUI's older dialog (and its log) for a node that raised; the error follows on the next lines.
    /Error occurred when executing \w+:/,
    /RayTaskError/,
    // Ray's header of a task or actor method that raised (`ray::WhisperWorker.transcribe() (pid=1, ip=...`), its
    // name often in colour (reset by `ESC[39m`).
    /ray::[\w.]+\(\) \(pid=\d+, ip=|ray::[\w.]+\(\)\x1b\[39m \(pid=\d+, ip=/,
    // celery's and billiard's words for a task that raised (the traceback after it says why).
    /\] raised unexpected: |Task handler raised error/,
    // A request whose handler raised: Flask's log_exception, uvicorn's and Starlette's for an ASGI app.
    // Flask's words in any log format (`ERROR:app:Exception on /tts [POST]`).
    /Exception on \S+ \[[A-Z]+\]|Exception in ASGI application/,
    // asyncio's report of a task that raised and that nobody awaited (the traceback after it says why).
    /Task exception was never retrieved/,
    // ComfyUI refused a save node's path outside its output folder.
    /Saving image outside the output folder is not allowed/,
    // SwarmUI's report of a ComfyUI job that raised; a training job's (sd_dreambooth_extension).
    /ComfyUI execution error: |Exception while training: /,
    // RAGFlow's task executor marks a failed document task with progress -1.
    /progress: -1, progress_msg: /,
    // ffmpeg's last line when a conversion the service ran failed (its cause is on the lines before).
    /^Conversion failed!$/,
  ],
  // A service's own job reported failed on an error line, in any service's words.
  broad: [
    ...["synthesis failed", "generation failed", "inference failed", "transcription failed", "raining failed"].map(
      IN_ERROR,
    ),
    // `Failed to transcribe`: the failure is the error mark itself. Audio played back by the service (piper).
    ...["to transcribe", "to synthesize", "playback failed", "synthesis error", "batch failed"].map(IN_ERROR),
    // A worker's task or a queue's job (`ERROR - Task failed: <id>`).
    ...["Task failed", "task failed", "Job failed", "job failed"].map(IN_ERROR),
    new RegExp(`${GOES_ON}\\w failed, error: `),
  ],
  // A task that failed because its client had gone (a WebSocket it still wrote to): the client's end, not a fault.
  recoveries: [/Sending after closing is not allowed/],
  text: t(
    [
      "a job failed with an exception (see the lines after it)",
      "read the traceback in the log; the service itself may still be up",
    ],
    ["任务执行异常（见其后的日志行）", "查看日志中的 traceback；服务本身可能仍在运行"],
  ),
};
