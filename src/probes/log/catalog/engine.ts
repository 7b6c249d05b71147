/**
 * A wrapper: the inference engine, or a worker or runner behind an RPC or IPC boundary, that died. It says that
 * something died and not why: any other cause in the same read wins over it.
 */
import { type Cause, t } from "./types.js";

/** RUNNER_URL is a local runner's endpoint as Ollama's server calls it (`http://127.0.0.1:PORT/completion`). */
const RUNNER_URL =
  "http:\\/\\/(?:127\\.0\\.0\\.1|localhost):\\d+\\/(?:completion|embedding|tokenize|health|load|api|v1)\\b";

export const engineDead: Cause = {
  id: "engine_dead",
  wrapper: true,
  regexes: [
    /EngineDeadError/,
    // TorchServe's (KServe's) and Ray's words for a worker process that is gone.
    /[Ww]orker died\b/,
    // LMDeploy's TurboMind engine stops at a failed check (`[TM][FATAL] ... Check failed:`).
    /\[TM\]\[FATAL\]/,
    // ComfyUI Desktop's server process ended (`Python process exited with code 1 and signal null`).
    /Python process exited with code \d+ and signal/,
    // TGI's router to a shard whose unix socket is gone (`error trying to connect: No such file or directory`).
    /error trying to connect: No such file or directory/,
    // LocalAI's backend process that never answered its health check.
    /grpc service not ready|[Ff]ailed starting\/connecting to the gRPC service/,
    // A front end that gave up on its local engine (RunPod's ComfyUI worker: `Failed to connect to server at
    // http://127.0.0.1:8188 after 500 attempts`).
    /[Ff]ailed to connect to (?:the )?server at https?:\/\/(?:127\.0\.0\.1|localhost)\S* after \d+ attempts/,
    /did not become ready at https?:\/\/(?:127\.0\.0\.1|localhost)/,
    // The same, said by RunPod's worker (`ComfyUI server (127.0.0.1:8188) not reachable after multiple retries`).
    /\((?:127\.0\.0\.1|localhost):\d+\) not reachable after/,
    /Engine loop has died/,
    // A model platform's supervisor restarting the server it runs (truss: `Inference server seems to have crashed`).
    /[Ii]nference server (?:seems to have|has) crashed/,
    /MQLLMEngine is already dead/,
    /Background loop has errored already/,
    /EngineCore encountered (?:an issue|a fatal error)/,
    /Engine core initialization failed/,
    /EngineCore failed to start/,
    /Engine core proc \S+ died unexpectedly/,
    /Engine process failed to start/,
    // A supervisor whose backend or worker process did not come up (SwarmUI's ComfyUI, vLLM v1's workers).
    /(?:Self-Start|[Ll]aunch of) \S+ (?:on port \d+ )?failed|WorkerProc (?:initialization failed|failed to start)/,
    // A worker behind an RPC or IPC boundary died (vLLM's workers, Ray actors, SGLang's scheduler, Triton's stub).
    /Worker proc \S+ died unexpectedly/,
    /[Tt]he actor died unexpectedly/,
    /The actor is dead because its worker process has died/,
    /Worker unexpectedly exits with a connection error code/,
    // Xinference recreates a model actor whose process died.
    /Recreating model actor/,
    /A worker died or was killed while executing a task/,
    /Received sigquit from a child proces/,
    /Stub process (?:'[^']*' )?is not healthy/,
    /MPI_ABORT was invoked/,
    /RuntimeError: Worker failed with error/,
    // A pool or launcher whose child died (concurrent.futures, torchrun, SGLang's scheduler).
    /BrokenProcessPool|process pool was terminated abruptly|ChildFailedError|scheduler is dead/,
    // SGLang's processes that raised and take the server down (the traceback after it says why), and its warmup.
    /(?:Scheduler|[Tt]okenizerManager) hit an exception|Initialization failed\. warmup error/,
    // A backend behind gRPC went away (LocalAI's backends, Triton's Python stub): UNAVAILABLE is a dead server.
    /rpc error: code = Unavailable desc = (?:error reading from server|connection error)/,
    // Not the answer to a model load (`Model X load failed: [StatusCode.UNAVAILABLE] ...`): the server is up.
    /(?<!load failed: \[)StatusCode\.UNAVAILABLE/,
    /RPC server for \S+ \d+ is not running/,
    /Backend worker process died/,
    // SGLang's disaggregated serving: the prefill side lost its decode peer (Mooncake's session is not alive).
    /(?:Decode|Prefill) instance could be dead/,
    // Xinference's model actors (xoscar): the actor's process is gone, its socket closed; also as the detail of
    // the error a client or the REST API reports for it.
    /Remote server (?:\S+:\d+|unixsocket:\/\/\/\d+) closed/,
    // A client of a model server on this host that refuses connections (the server is down): urllib3's words.
    /host='(?:127\.0\.0\.1|localhost)', port=\d+\): Max retries exceeded[^\n]*(?:Errno 111\]|WinError 10061\])/,
    /Connection error to (?:the )?API at https?:\/\/(?:127\.0\.0\.1|localhost)/,
    // Rust's reqwest to a local server that refused (`error sending request for url (http://127.0.0.1:8178/stream):
    // error trying to connect: tcp connect error`).
    /error sending request for url \(https?:\/\/(?:127\.0\.0\.1|localhost)[^)\n]*\): error trying to connect/,
    // A pipeline that started ComfyUI (or another server) and saw it end before it answered.
    /exited before it became ready/,
    // A desktop app's Python backend (LTX Desktop: `Python backend exited during startup with code 1`).
    /backend exited during startup/,
    // A backend's channel that is gone (text-embeddings-inference's backend thread died, a receiver dropped).
    /No backend receiver|backend (?:process |worker )?(?:died|crashed|exited) unexpectedly/,
    /[Bb]ackend kept crashing/,
    // TGI's router lost its shard (a unix socket); chaiNNer's UI lost its backend.
    /Server error: (?:transport error|error trying to connect: )|Failed to fetch backend nodes/,
    /[Ww]orker exited unexpectedly|[Ss]ubprocess terminated unexpectedly/,
    // A runner behind local HTTP (Ollama's llama server) that died mid-request or is not there to answer.
    /while running the model: unexpected EOF/,
    /model runner has unexpectedly stopped/,
    // TGI's launcher: a shard (one process per GPU) that was up died.
    /\bShardFailed\b|Shard \d+ crashed/,
    // TGI's router (the web server in front of the shards) died; vLLM's async engine loop raised (v0).
    /\bWebserverFailed\b|Webserver Crashed|Engine background task failed/,
    // Its endpoints only: not a monitoring agent's call to the kubelet (`Get "http://localhost:10255/pods"`).
    new RegExp(`(?:Post|Get) "${RUNNER_URL}[^"]*": (?:EOF|read tcp|dial tcp)`),
    new RegExp(`(?:Post|Get) \\\\"${RUNNER_URL}[^"\\\\]*\\\\": (?:EOF|read tcp|dial tcp)`),
  ],
  // vLLM's client reports the engine core's death at a clean exit too, after the core said it shut down.
  // And after vLLM's own shutdown at a person's request (`[shutdown] MPClient: complete`), the engine's end it reports.
  excuses: [/\] Shutdown complete$/, /\[shutdown\] MPClient: complete$/],
  // A launcher that polled its local server while it started, then saw it answer: the refusals were the start.
  recoveries: [/is ready and responding to requests/],
  text: t(
    [
      "the inference engine or one of its workers died; requests fail until the server restarts",
      "restart the service; the engine's own error above this line says why (OOM, CUDA error, NCCL)",
    ],
    [
      "推理引擎或其 worker 进程已退出，重启服务前请求都会失败",
      "重启服务；引擎在此行之前的报错说明原因（显存不足、CUDA 错误、NCCL）",
    ],
  ),
};
