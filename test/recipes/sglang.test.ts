import { SGLANG } from "../helpers/stacks/sglang.js";
import { describeLlmRecipe } from "./llm-recipe.js";

// recipes/sglang.yaml: SGLang counts generated tokens when a request ends, so its queue rule waits 5 runs.
describeLlmRecipe({
  stack: "sglang",
  fake: SGLANG,
  model: "meta-llama/Llama-3.1-8B-Instruct",
  prefix: "SGLANG",
  deathLine: "[2026-11-22 09:01:58 TP0] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.",
  cause: "gpu_oom",
  deadAnswer: "CUDA error: an illegal memory access was encountered",
  gpu: true,
  queueRuns: 5,
  waitingMetric: "sglang:num_queue_reqs",
});
