import { json, readBody, type LlmStack } from "./llm.js";

// Ollama, as in server/routes.go (GET / and HEAD /: "Ollama is running"; /api/version, /api/tags; POST /api/generate
// with api.GenerateRequest and, with "stream": false, one api.GenerateResponse; errors as {"error": "..."}, an
// unknown model 404 "model '...' not found"), and /v1/models and /v1/chat/completions through openai/openai.go's
// middleware (chunks with system_fingerprint "fp_ollama"). No /metrics. Dead: a runner that terminated.

const created = 1765000000;
const RUNNER_DIED = "llama runner process has terminated: exit status 2";

/** OLLAMA is the Ollama server's side of the fake. */
export const OLLAMA: LlmStack = {
  health: { path: "/", type: "text/plain; charset=utf-8", body: "Ollama is running" },
  models: (model) => ({ object: "list", data: [{ id: model, object: "model", created, owned_by: "library" }] }),
  chunk: (model, delta, finish) => ({
    id: "chatcmpl-417",
    object: "chat.completion.chunk",
    created,
    model,
    system_fingerprint: "fp_ollama",
    choices: [{ index: 0, delta, finish_reason: finish }],
  }),
  dead: { status: 500, body: { error: { message: RUNNER_DIED, type: "api_error", param: null, code: null } } },
  route: (req, res, state, model) => {
    const url = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && url === "/api/version") return (json(res, 200, { version: "0.13.0" }), true);
    if (req.method === "GET" && url === "/api/tags") {
      const details = { format: "gguf", family: "qwen2", parameter_size: "7.6B", quantization_level: "Q4_K_M" };
      return (
        json(res, 200, { models: [{ name: model, model, size: 4683087332, digest: "845dbda0ea48", details }] }),
        true
      );
    }
    if (req.method !== "POST" || url !== "/api/generate") return false;
    void readBody(req).then((text) => {
      const body = JSON.parse(text || "{}") as { model?: string; stream?: boolean };
      if (body.model !== model) return json(res, 404, { error: `model '${body.model}' not found` });
      if (state === "hung" || state === "stalled") return; // accepted, never answered
      if (state === "dead") return json(res, 500, { error: RUNNER_DIED });
      if (body.stream !== false) return json(res, 400, { error: "this fake answers stream: false only" });
      json(res, 200, {
        model,
        created_at: "2026-11-22T09:00:01.5Z",
        response: "OK",
        done: true,
        done_reason: "length",
        total_duration: 181000000,
        load_duration: 12000000,
        prompt_eval_count: 12,
        eval_count: 1,
      });
    });
    return true;
  },
};
