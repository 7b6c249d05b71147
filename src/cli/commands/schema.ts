import { z } from "zod";
import { configSchema } from "../../config/schema.js";
import type { Io } from "../context.js";

/** configJsonSchema is the JSON Schema of the YAML file as written (input side: durations are strings or numbers). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any", target: "draft-7" }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    title: "watchdog configuration",
    description: "watchdog.yaml: see config.example.yaml for every option",
  };
}

/** schemaCommand prints the JSON Schema, for editor completion (`# yaml-language-server: $schema=...`). */
export async function schemaCommand(io: Io): Promise<number> {
  io.out(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return 0;
}
