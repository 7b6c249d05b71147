import { TGI } from "../helpers/stacks/tgi.js";
import { describeLlmRecipe } from "./llm-recipe.js";

// recipes/tgi.yaml: the router answers while a shard's generation fails (424) or its forward pass hangs.
describeLlmRecipe({
  stack: "tgi",
  fake: TGI,
  model: "Qwen/Qwen2.5-7B-Instruct",
  prefix: "TGI",
  deathLine:
    "2026-11-22T09:01:58.120Z ERROR text_generation_launcher: Method Decode encountered an error.\nRuntimeError: " +
    "CUDA error: an illegal memory access was encountered",
  cause: "cuda_error",
  deadAnswer: "Request failed during generation",
  gpu: true,
  queueRuns: 3,
  waitingMetric: "tgi_queue_size",
});
