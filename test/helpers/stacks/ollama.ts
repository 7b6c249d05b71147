import { json, type LlmStack } from "./llm.js";

// Ollama, as in server/routes.go (GET / and HEAD /: "Ollama is running"; /api/version, /api/tags, /api/ps;
// /v1/models and /v1/chat/completions through openai/openai.go's middleware: chunks with system_fingerprint
// "fp_ollama", errors as {"error":{"message","type":"api_error"}}). No /metrics. Dead: a runner that terminated.

const created = 1765000000;

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
  dead: {
    status: 500,
    body: {
      error: {
        message: "llama runner process has terminated: exit status 2",
        type: "api_error",
        param: null,
        code: null,
      },
    },
  },
  route: (req, res) => {
    if (req.method === "GET" && req.url === "/api/version") return (json(res, 200, { version: "0.13.0" }), true);
    return false;
  },
};
