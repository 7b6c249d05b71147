import comfyui from "../../recipes/comfyui.yaml?raw";
import cosyvoice from "../../recipes/cosyvoice.yaml?raw";
import llamacpp from "../../recipes/llamacpp.yaml?raw";
import ollama from "../../recipes/ollama.yaml?raw";
import sglang from "../../recipes/sglang.yaml?raw";
import tgi from "../../recipes/tgi.yaml?raw";
import vllm from "../../recipes/vllm.yaml?raw";

/** RECIPES are the ready-made checks per stack (recipes/<stack>.yaml), embedded at build time. */
export const RECIPES: Readonly<Record<string, string>> = { comfyui, cosyvoice, llamacpp, ollama, sglang, tgi, vllm };

/** RECIPE_NAMES lists the recipes, as help text and errors name them. */
export const RECIPE_NAMES = Object.keys(RECIPES).join(", ");

/**
 * recipeChecks is a recipe's entries of `checks:`, ready to go under a starter's `checks:`: its header comment (what it
 * watches, its variables) indented as a comment of the list, then its checks as they are.
 */
export function recipeChecks(name: string): string {
  const text = RECIPES[name] ?? "";
  const lines = text.split("\n");
  const at = lines.findIndex((l) => /^checks:\s*$/.test(l));
  const header = lines.slice(0, at).map((l) => (l.trim() ? `  ${l}` : l));
  const body = lines
    .slice(at + 1)
    .join("\n")
    .trimEnd();
  return `  # ---- recipe ${name} (recipes/${name}.yaml) ----\n${header.join("\n")}\n${body}\n`;
}
