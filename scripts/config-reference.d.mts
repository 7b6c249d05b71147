/** renderReference turns the config's JSON Schema into docs/configuration.md. */
export function renderReference(schema: Record<string, unknown>): string;

/** ReferenceKey is one row of the page: a key's dotted path and what its columns say. */
export type ReferenceKey = {
  key: string;
  type: string;
  default: string;
  required: boolean;
  limits: string;
  description: string;
};

/** referenceSections is the page as data: each section's title and its keys, in the page's order. */
export function referenceSections(schema: Record<string, unknown>): { title: string; keys: ReferenceKey[] }[];
