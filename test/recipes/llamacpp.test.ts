import { LLAMACPP } from "../helpers/stacks/llamacpp.js";
import { describeLlmRecipe } from "./llm-recipe.js";

// recipes/llamacpp.yaml: /health says ok while decoding fails or a slot hangs.
describeLlmRecipe({
  stack: "llamacpp",
  fake: LLAMACPP,
  model: "qwen2.5-7b-instruct-q4_k_m.gguf",
  prefix: "LLAMACPP",
  deathLine:
    "ggml_backend_cuda_buffer_type_alloc_buffer: allocating 4096.00 MiB on device 0: cudaMalloc failed: out of memory",
  cause: "gpu_oom",
  deadAnswer: "Compute error.",
  queueRuns: 3,
  waitingMetric: "llamacpp:requests_deferred",
});
