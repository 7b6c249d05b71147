import { prom, type LlmStack } from "./llm.js";

// Text Generation Inference's router, as in router/src/server.rs (GET /health: 200 with no body, 503 {"error":
// "unhealthy"}; /v1/models: openai_get_model_info; the chat stream's chunks) and backends/v3/src/queue.rs and
// backend.rs (tgi_queue_size, tgi_batch_current_size, tgi_batch_inference_success{method}): rendered by
// metrics-exporter-prometheus, which adds no _total. Dead: the 424 "Request failed during generation".

const created = 1765000000;

/** TGI is the TGI router's side of the fake. */
export const TGI: LlmStack = {
  health: { path: "/health", type: "text/plain", body: "" },
  models: (model) => ({ object: "list", data: [{ id: model, object: "model", created: 0, owned_by: model }] }),
  chunk: (model, delta, finish) => ({
    object: "chat.completion.chunk",
    id: "",
    created,
    model,
    system_fingerprint: "3.3.6-sha-1a2b3c4",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  }),
  dead: {
    status: 424,
    body: {
      error: "Request failed during generation: Server error: CUDA error: an illegal memory access was encountered",
      error_type: "generation",
    },
  },
  metrics: (c) =>
    [
      prom("tgi_queue_size", "gauge", "Current queue size", [["", c.waiting]]),
      prom("tgi_batch_current_size", "gauge", "Current batch size", [["", c.running]]),
      prom("tgi_request_count", "counter", "Total number of requests", [["", c.requests + c.waiting]]),
      prom("tgi_request_success", "counter", "Number of successful requests", [["", c.requests]]),
      prom("tgi_batch_inference_count", "counter", "Inference calls per method (prefill or decode)", [
        ['{method="prefill"}', c.requests],
        ['{method="decode"}', c.decodes],
      ]),
      prom("tgi_batch_inference_success", "counter", "Number of successful inference calls per method", [
        ['{method="prefill"}', c.requests],
        ['{method="decode"}', c.decodes],
      ]),
      prom("tgi_request_generated_tokens", "histogram", "Generated tokens per request", [
        ['_bucket{le="1"}', 0],
        ['_bucket{le="+Inf"}', c.requests],
        ["_sum", c.tokens],
        ["_count", c.requests],
      ]),
    ].join(""),
};
