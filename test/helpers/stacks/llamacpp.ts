import { prom, type LlmStack } from "./llm.js";

// llama.cpp's llama-server, as in tools/server/server.cpp and server-context.cpp (GET /health: {"status":"ok"};
// /v1/models with the model file or --alias as id; /metrics with --metrics: llamacpp:requests_processing,
// llamacpp:requests_deferred, llamacpp:n_decode_total, llamacpp:tokens_predicted_total; tools/server/README.md).
// Dead: the 500 of a failed decode.

const created = 1765000000;

/** LLAMACPP is llama-server's side of the fake. */
export const LLAMACPP: LlmStack = {
  health: { path: "/health", type: "application/json; charset=utf-8", body: '{"status":"ok"}' },
  models: (model) => ({
    models: [
      { name: model, model, modified_at: "", size: "", digest: "", type: "model", capabilities: ["completion"] },
    ],
    object: "list",
    data: [{ id: model, object: "model", created, owned_by: "llamacpp", meta: { n_ctx_train: 32768, n_params: 7e9 } }],
  }),
  chunk: (model, delta, finish) => ({
    choices: [{ finish_reason: finish, index: 0, delta }],
    created,
    id: "chatcmpl-Xq2",
    model,
    system_fingerprint: "b6500-3f4a2b1",
    object: "chat.completion.chunk",
  }),
  dead: {
    status: 500,
    body: { error: { code: 500, message: "Compute error.", type: "server_error" } },
  },
  metrics: (c) =>
    [
      prom("llamacpp:prompt_tokens_total", "counter", "Number of prompt tokens processed.", [["", c.tokens * 3]]),
      prom("llamacpp:prompt_seconds_total", "counter", "Prompt process time", [["", 12.5]]),
      prom("llamacpp:tokens_predicted_total", "counter", "Number of generation tokens processed.", [["", c.tokens]]),
      prom("llamacpp:tokens_predicted_seconds_total", "counter", "Predict process time", [["", 30.25]]),
      prom("llamacpp:n_decode_total", "counter", "Total number of llama_decode() calls", [["", c.decodes]]),
      prom("llamacpp:n_busy_slots_per_decode", "counter", "Average number of busy slots per llama_decode() call", [
        ["", 1.5],
      ]),
      prom("llamacpp:prompt_tokens_seconds", "gauge", "Average prompt throughput in tokens/s.", [["", 950.2]]),
      prom("llamacpp:predicted_tokens_seconds", "gauge", "Average generation throughput in tokens/s.", [["", 41.3]]),
      prom("llamacpp:requests_processing", "gauge", "Number of requests processing.", [["", c.running]]),
      prom("llamacpp:requests_deferred", "gauge", "Number of requests deferred.", [["", c.waiting]]),
    ].join(""),
};
