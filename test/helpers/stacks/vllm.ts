import { prom, type LlmStack } from "./llm.js";

// vLLM's OpenAI-compatible server, as in vllm/entrypoints/openai/api_server.py (GET /health: 200 with no body;
// /v1/models: ModelCard list) and vllm/v1/metrics/loggers.py (PrometheusStatLogger: labels model_name and engine;
// prometheus_client adds _total to a counter's name). Dead: the 500 ErrorResponse of an EngineDeadError.

const created = 1765000000;

/** VLLM is the vLLM server's side of the fake. */
export const VLLM: LlmStack = {
  health: { path: "/health", type: "application/json", body: "" },
  models: (model) => ({
    object: "list",
    data: [
      {
        id: model,
        object: "model",
        created,
        owned_by: "vllm",
        root: model,
        parent: null,
        max_model_len: 32768,
        permission: [{ id: "modelperm-1", object: "model_permission", allow_sampling: true }],
      },
    ],
  }),
  chunk: (model, delta, finish) => ({
    id: "chatcmpl-6f1c",
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  }),
  dead: {
    status: 500,
    body: {
      object: "error",
      message: "EngineCore encountered an issue. See stack trace (above) for the root cause.",
      type: "InternalServerError",
      param: null,
      code: 500,
    },
  },
  metrics: (c, model) => {
    const l = `{engine="0",model_name="${model}"}`;
    return [
      prom("python_gc_objects_collected_total", "counter", "Objects collected during gc", [
        ['{generation="0"}', 12034],
      ]),
      prom("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.", [[l, c.running]]),
      prom("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.", [[l, c.waiting]]),
      prom("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", [[l, 0.21]]),
      prom("vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.", [[l, c.tokens * 3]]),
      prom("vllm:generation_tokens_total", "counter", "Number of generation tokens processed.", [[l, c.tokens]]),
      prom("vllm:request_success_total", "counter", "Count of successfully processed requests.", [
        [`{engine="0",finished_reason="stop",model_name="${model}"}`, c.requests],
        [`{engine="0",finished_reason="length",model_name="${model}"}`, 2],
        [`{engine="0",finished_reason="abort",model_name="${model}"}`, 0],
      ]),
      prom("vllm:time_to_first_token_seconds", "histogram", "Histogram of time to first token in seconds.", [
        [`_bucket{engine="0",le="0.1",model_name="${model}"}`, c.requests - 2],
        [`_bucket{engine="0",le="1.0",model_name="${model}"}`, c.requests],
        [`_bucket{engine="0",le="+Inf",model_name="${model}"}`, c.requests],
        [`_count${l}`, c.requests],
        [`_sum${l}`, c.requests * 0.08],
      ]),
    ].join("");
  },
};
