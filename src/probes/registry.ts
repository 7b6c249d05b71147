import type { z } from "zod";
import { execConfigSchema, execProbe } from "./exec/index.js";
import { gpuConfigSchema, gpuProbe } from "./gpu/index.js";
import { httpConfigSchema, httpProbe } from "./http/index.js";
import { logConfigSchema, logProbe } from "./log/index.js";
import { metricsConfigSchema, metricsProbe } from "./metrics/index.js";
import { openaiConfigSchema, openaiProbe } from "./openai/index.js";
import { processConfigSchema, processProbe } from "./process/index.js";
import { systemConfigSchema, systemProbe } from "./system/index.js";
import { tcpConfigSchema, tcpProbe } from "./tcp/index.js";
import { comfyuiProbe } from "./comfyui/index.js";
import type { Probe } from "./types.js";

// The log probe's cause catalog (`causes:`, `disable_causes:`), which config/rules.ts checks and the run builds:
// config imports the probes through this module only.
export { buildCatalog, restartCannotFix, useCatalog, type Catalog } from "./log/causes.js";

/** probes lists every probe type: adding one is one line here plus its own folder (defineProbe(schema, words, run)). */
export const probes = {
  tcp: tcpProbe,
  http: httpProbe,
  system: systemProbe,
  log: logProbe,
  process: processProbe,
  gpu: gpuProbe,
  exec: execProbe,
  openai: openaiProbe,
  metrics: metricsProbe,
  comfyui: comfyuiProbe,
} satisfies Record<string, Probe>;

/** probeOf is the probe of a type name; own keys only, so a type such as "constructor" finds nothing. */
export function probeOf(type: string): Probe | undefined {
  const byType: Readonly<Record<string, Probe>> = probes;
  return Object.hasOwn(byType, type) ? byType[type] : undefined;
}

/** ProbeType is one of the registered probe type names. */
export type ProbeType = keyof typeof probes;

/** ProbeConfigs maps each probe type to the config its schema gives. */
export type ProbeConfigs = { [K in ProbeType]: z.output<(typeof probes)[K]["schema"]> };
