import type { z } from "zod";
import { execConfigSchema, execProbe } from "./exec.js";
import { gpuConfigSchema, gpuProbe } from "./gpu.js";
import { httpConfigSchema, httpProbe } from "./http.js";
import { logConfigSchema, logProbe } from "./log/log.js";
import { openaiConfigSchema, openaiProbe } from "./openai.js";
import { processConfigSchema, processProbe } from "./process.js";
import { systemConfigSchema, systemProbe } from "./system.js";
import { tcpConfigSchema, tcpProbe } from "./tcp.js";
import type { Probe } from "./types.js";

// The log probe's cause catalog, which config/rules.ts checks and installs (`causes:`, `disable_causes:`): config
// imports the probes through this module only.
export { buildCatalog, useCatalog } from "./log/causes.js";

/** ProbeEntry pairs a probe with the schema of its config. */
export type ProbeEntry = { schema: z.ZodObject; probe: Probe<never> };

/** probes lists every probe type: adding one is one line here plus its own file. */
export const probes = {
  tcp: { schema: tcpConfigSchema, probe: tcpProbe },
  http: { schema: httpConfigSchema, probe: httpProbe },
  system: { schema: systemConfigSchema, probe: systemProbe },
  log: { schema: logConfigSchema, probe: logProbe },
  process: { schema: processConfigSchema, probe: processProbe },
  gpu: { schema: gpuConfigSchema, probe: gpuProbe },
  exec: { schema: execConfigSchema, probe: execProbe },
  openai: { schema: openaiConfigSchema, probe: openaiProbe },
} satisfies Record<string, { schema: z.ZodObject; probe: Probe<never> }>;

/** ProbeType is one of the registered probe type names. */
export type ProbeType = keyof typeof probes;
