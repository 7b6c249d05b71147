import { VLLM } from "../helpers/stacks/vllm.js";
import { describeLlmRecipe } from "./llm-recipe.js";

// recipes/vllm.yaml: /health and /v1/models answer 200 after the engine core has died (vllm #39863, #16259).
describeLlmRecipe({
  stack: "vllm",
  fake: VLLM,
  model: "Qwen/Qwen2.5-7B-Instruct",
  prefix: "VLLM",
  deathLine:
    "ERROR 11-22 09:01:58 [async_llm.py:420] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered " +
    "an issue. See stack trace (above) for the root cause.",
  cause: "engine_dead",
  deadAnswer: "EngineCore encountered an issue",
  gpu: true,
  queueRuns: 3,
  waitingMetric: "vllm:num_requests_waiting",
});
