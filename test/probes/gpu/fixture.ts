import path from "node:path";
import { gpuConfigSchema, gpuProbe } from "../../../src/probes/gpu/index.js";
import { ctx } from "../ctx.js";

// What the gpu probe's tests share: the fake nvidia-smi of a captured fixture, and runs that carry memory.

const FIXTURES = path.resolve(__dirname, "../../fixtures/nvidia-smi");

/** smi is the fake nvidia-smi that prints the captured output of fixture NAME (test/fixtures/nvidia-smi/NAME). */
export const smi = (name: string) => path.join(FIXTURES, name, "nvidia-smi");

/**
 * gpuRuns runs the gpu probe n times on fixture NAME (OVER adds config keys), carrying its memory as the state does.
 */
export async function gpuRuns(name: string, n: number, over: Record<string, unknown> = {}) {
  const cfg = gpuConfigSchema.parse({ type: "gpu", nvidia_smi: smi(name), ...over });
  let memory: unknown;
  const outs = [];
  for (let i = 0; i < n; i++) {
    const out = await gpuProbe.run(cfg, ctx(memory));
    memory = out.memory ?? memory;
    outs.push(out);
  }
  return outs;
}
