import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, emailChannel, tmpDir } from "../e2e/field-helpers.js";

// Each recipe, as shipped in recipes/ and in the binary, is a `checks:` list that works appended to a config with
// channels: `validate` accepts it as is, and `init --recipe` writes it into a starter.

const ROOT = path.resolve(__dirname, "../..");
const STACKS = ["comfyui", "cosyvoice", "llamacpp", "ollama", "sglang", "tgi", "vllm"];
/** The variables a recipe cannot default (which model to ask); every other one has a default. */
const MODELS = { VLLM_MODEL: "m", SGLANG_MODEL: "m", TGI_MODEL: "m", LLAMACPP_MODEL: "m", OLLAMA_MODEL: "m" };
const ENV = { SMTP_PASS: "x", ...MODELS };

let dir: string;
beforeAll(() => {
  dir = tmpDir();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const head = (state: string) =>
  `state_file: ${state}\nchannels:\n${emailChannel(25)}escalation:\n  - {after: 1, notify: [email]}\n`;

describe("recipes/<stack>.yaml", () => {
  it.each(STACKS)("%s: validate accepts it appended to a config with channels, as is", async (stack) => {
    const text = fs.readFileSync(path.join(ROOT, "recipes", `${stack}.yaml`), "utf8");
    expect(text).toMatch(/^checks:$/m);
    // Check names carry the stack, so that two recipes can be combined.
    for (const m of text.matchAll(/^ {2}- name: (\S+)/gm)) expect(m[1]).toMatch(new RegExp(`^${stack}-`));
    const file = path.join(dir, `${stack}.yaml`);
    fs.writeFileSync(file, head(path.join(dir, "state.json")) + text, { mode: 0o600 });
    const r = await cli(["validate", "-c", file], ENV);
    // Nothing to warn about on a host without the service (its log absent, say); the env-file note may remain.
    expect(r.stderr).not.toMatch(/warning|error/i);
    expect(r.stdout).toContain("config OK");
    expect(r.code).toBe(0);
  });

  it("all seven together validate (no name twice)", async () => {
    const checks = STACKS.map((s) =>
      fs.readFileSync(path.join(ROOT, "recipes", `${s}.yaml`), "utf8").replace(/^checks:\n/m, ""),
    );
    const file = path.join(dir, "all.yaml");
    fs.writeFileSync(file, `${head(path.join(dir, "state.json"))}checks:\n${checks.join("")}`, { mode: 0o600 });
    const r = await cli(["validate", "-c", file], ENV);
    expect(r.stdout + r.stderr).toContain("config OK");
  });

  it("an unset model variable is a validate error that names it", async () => {
    const text = fs.readFileSync(path.join(ROOT, "recipes", "vllm.yaml"), "utf8");
    const file = path.join(dir, "nomodel.yaml");
    fs.writeFileSync(file, head(path.join(dir, "state.json")) + text, { mode: 0o600 });
    const r = await cli(["validate", "-c", file], { SMTP_PASS: "x" });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/nomodel\.yaml:\d+:\d+: checks\[1\]\.model: environment variable VLLM_MODEL is not set/);
  });
});

describe("watchdog init --recipe", () => {
  it("writes a starter with channels, the ladder and the recipes' checks, and it validates", async () => {
    const target = path.join(dir, "init", "watchdog.yaml");
    fs.mkdirSync(path.dirname(target));
    const r = await cli(["init", "--path", target, "--recipe", "vllm,comfyui"], {}, dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const text = fs.readFileSync(target, "utf8");
    for (const name of ["vllm-health", "vllm-inference", "vllm-queue", "vllm-log", "comfyui-queue", "comfyui-log"])
      expect(text).toContain(`- name: ${name}\n`);
    expect(text).toMatch(/^escalation:/m);
    expect(text).not.toContain("my-service");
    // What it cannot default is named at once: the model to ask, beside the channel's secret.
    expect(r.stdout.replace(/\s+/g, " ")).toContain("VLLM_MODEL");
    const v = await cli(["validate", "-c", target], { SMTP_PASS: "x", VLLM_MODEL: "m" }, dir);
    expect(v.stdout + v.stderr).toContain("config OK");
  });

  it("an unknown recipe is a clear error that lists the known ones", async () => {
    const r = await cli(["init", "--path", path.join(dir, "x.yaml"), "--recipe", "vllm,comfy"], {}, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'unknown recipe "comfy" (did you mean "comfyui"?); ' +
        "one of: comfyui, cosyvoice, llamacpp, ollama, sglang, tgi, vllm",
    );
    expect(fs.existsSync(path.join(dir, "x.yaml"))).toBe(false);
  });
});
