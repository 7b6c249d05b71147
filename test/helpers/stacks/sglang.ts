import { prom, type LlmStack } from "./llm.js";

// SGLang's server, as in python/sglang/srt/entrypoints/http_server.py (GET /health 200, /v1/models) and
// python/sglang/srt/metrics/collector.py (SchedulerMetricsCollector: sglang:num_running_reqs, sglang:num_queue_reqs;
// TokenizerMetricsCollector: sglang:generation_tokens_total; prometheus_client, so counters carry _total and a
// _created family). Dead: an engine error in the OpenAI adapter's ErrorResponse shape (create_error_response).

const created = 1765000000;

/** SGLANG is the SGLang server's side of the fake. */
export const SGLANG: LlmStack = {
  health: { path: "/health", type: "text/plain", body: "" },
  models: (model) => ({
    object: "list",
    data: [{ id: model, object: "model", created, owned_by: "sglang", root: model, max_model_len: 32768 }],
  }),
  chunk: (model, delta, finish) => ({
    id: "0c3f9a",
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, matched_stop: null }],
    usage: null,
  }),
  dead: {
    status: 500,
    body: {
      object: "error",
      message: "CUDA error: an illegal memory access was encountered",
      type: "InternalServerError",
      param: null,
      code: 500,
    },
  },
  metrics: (c, model) => {
    const l = `{engine_type="unified",model_name="${model}",pp_rank="0",tp_rank="0"}`;
    const t = `{model_name="${model}"}`;
    return [
      prom("sglang:num_running_reqs", "gauge", "The number of running requests.", [[l, c.running]]),
      prom("sglang:num_queue_reqs", "gauge", "The number of requests in the waiting queue.", [[l, c.waiting]]),
      prom("sglang:gen_throughput", "gauge", "The generation throughput (token/s).", [[l, c.running ? 41.5 : 0]]),
      prom("sglang:token_usage", "gauge", "The token usage.", [[l, 0.12]]),
      prom("sglang:prompt_tokens_total", "counter", "Number of prefill tokens processed.", [[t, c.tokens * 3]]),
      prom("sglang:prompt_tokens_created", "gauge", "Number of prefill tokens processed.", [[t, 1765000000.5]]),
      prom("sglang:generation_tokens_total", "counter", "Number of generation tokens processed.", [[t, c.tokens]]),
      prom("sglang:generation_tokens_created", "gauge", "Number of generation tokens processed.", [[t, 1765000000.5]]),
      prom("sglang:num_requests_total", "counter", "Number of requests processed.", [[t, c.requests]]),
      prom("sglang:e2e_request_latency_seconds", "histogram", "Histogram of End-to-end request latency in seconds", [
        [`_bucket{le="1.0",model_name="${model}"}`, c.requests],
        [`_bucket{le="+Inf",model_name="${model}"}`, c.requests],
        [`_count${t}`, c.requests],
        [`_sum${t}`, c.requests * 0.7],
      ]),
    ].join("");
  },
};
