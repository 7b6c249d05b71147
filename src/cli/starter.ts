import { closest } from "../config/locate.js";
import { starters } from "../notify/registry.js";
import { RECIPE_NAMES, RECIPES, recipeChecks } from "./recipes.js";

/** parseChannelList turns "email,dingtalk" into starter channel names; throws a one-line message on an unknown one. */
export function parseChannelList(list: string): string[] {
  const all = starters();
  const names = all.map((s) => s.name).join(", ");
  const out: string[] = [];
  for (const raw of list
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)) {
    const name = all.find((s) => s.words.includes(raw))?.name;
    if (!name) {
      const hint = closest(raw, [...new Set(all.flatMap((s) => s.words))]);
      throw new Error(`unknown channel "${raw}"${hint ? ` (did you mean "${hint}"?)` : ""}; one of: ${names}`);
    }
    if (!out.includes(name)) out.push(name);
  }
  if (!out.length) throw new Error(`name at least one channel: ${names}`);
  return out;
}

/** parseRecipeList turns "vllm,comfyui" into recipe names; throws a one-line message on an unknown one. */
export function parseRecipeList(list: string): string[] {
  const out: string[] = [];
  for (const name of list
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)) {
    if (!(name in RECIPES)) {
      const hint = closest(name, Object.keys(RECIPES));
      throw new Error(`unknown recipe "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}; one of: ${RECIPE_NAMES}`);
    }
    if (!out.includes(name)) out.push(name);
  }
  if (!out.length) throw new Error(`name at least one recipe: ${RECIPE_NAMES}`);
  return out;
}

/** SERVICE is the starter's one check when no recipe is asked for. */
const SERVICE = `  - name: my-service                 # one service: its health URL (or type: tcp with host and port)
    type: http
    url: http://127.0.0.1:8000/health
    # restart: {command: [systemctl, restart, my-service]}
`;

/**
 * shortStarter is the default `watchdog init`: one service, the channels asked for, and a ladder that tells every
 * one of them at each step. It validates as soon as the ${VARS} it names are set. No state_file: the state goes to
 * /var/lib/watchdog as root, else under ~/.local/state, so it is valid for either. With recipes, their checks stand
 * in for the one service.
 */
export function shortStarter(channels: readonly string[], hasGpu: boolean, recipes: readonly string[] = []): string {
  const all = `[${channels.join(", ")}]`;
  const gpu = hasGpu
    ? `  - name: gpu
    type: gpu                        # nvidia-smi: memory, temperature, ECC (found on this host)
`
    : `  # (no nvidia-smi on this host when \`watchdog init\` ran: uncomment on a GPU machine)
  # - name: gpu
  #   type: gpu
`;
  return `# yaml-language-server: $schema=./watchdog.schema.json
# watchdog starter config. Every option: \`watchdog init --full\` (config.example.yaml). Then \`watchdog validate\`.
# locale: zh-CN                      # messages in Chinese
channels:
${channels.map((c) => starters().find((s) => s.name === c)?.yaml ?? "").join("")}escalation:
  - after: 1                         # the first failing run
    notify: ${all}
  - after: 3                         # the third in a row: tell again, and run the check's restart hook if it has one
    notify: ${all}
    restart: true
repeat_every: 30m                    # a reminder while it still fails
checks:
${recipes.length ? `${recipes.map(recipeChecks).join("\n")}\n` : SERVICE}${gpu}`;
}
