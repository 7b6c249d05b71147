/**
 * cjs unwraps a dynamically imported CommonJS module. The build moves heavy libraries into dist/lazy/*.cjs,
 * whose named exports Node cannot detect, so the module object is under `default` there and at the top level elsewhere.
 */
export function cjs<T>(mod: T): T {
  const d = (mod as { default?: unknown }).default;
  return (d && typeof d === "object") || typeof d === "function" ? (d as T) : mod;
}
