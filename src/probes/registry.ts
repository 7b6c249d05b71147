import type { z } from "zod";
import { httpConfigSchema, httpProbe } from "./http.js";
import { systemConfigSchema, systemProbe } from "./system.js";
import { tcpConfigSchema, tcpProbe } from "./tcp.js";
import type { Probe } from "./types.js";

/** ProbeEntry pairs a probe with the schema of its config. */
export type ProbeEntry = { schema: z.ZodObject; probe: Probe<never> };

/** probes lists every probe type: adding one is one line here plus its own file. */
export const probes = {
  tcp: { schema: tcpConfigSchema, probe: tcpProbe },
  http: { schema: httpConfigSchema, probe: httpProbe },
  system: { schema: systemConfigSchema, probe: systemProbe },
} satisfies Record<string, { schema: z.ZodObject; probe: Probe<never> }>;

/** ProbeType is one of the registered probe type names. */
export type ProbeType = keyof typeof probes;
