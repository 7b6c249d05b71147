/** renderReference turns the config's JSON Schema into docs/configuration.md. */
export function renderReference(schema: Record<string, unknown>): string;
