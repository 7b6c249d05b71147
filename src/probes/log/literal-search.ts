import { createJsLiteralSearch } from "./literal-search-js.js";
import { createWasmLiteralSearch } from "./literal-search-wasm.js";
import type { LiteralSearch } from "./literal-search-type.js";

export type { LiteralSearch };

/**
 * createLiteralSearch builds the WebAssembly search, or the JavaScript one; undefined when no literal has 2 bytes or
 * more.
 */
export function createLiteralSearch(
  literals: readonly string[],
  engine: "auto" | "js" = "auto",
): LiteralSearch | undefined {
  return (engine === "auto" ? createWasmLiteralSearch(literals) : undefined) ?? createJsLiteralSearch(literals);
}
