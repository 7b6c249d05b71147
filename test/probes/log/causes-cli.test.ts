import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { readCorpus } from "./corpus.js";

// Through the built CLI, as a user meets it: a log check reading real failure output names the cause.
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-causes-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function setup(name: string, lines: string[], extra = ""): string {
  const log = path.join(dir, `${name}.log`);
  fs.writeFileSync(log, `${lines.join("\n")}\n`);
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    file,
    `state_file: ${dir}/${name}-state/state.json
host: box
locale: zh-CN
channels:
  out: {type: console}
escalation: [{after: 1, notify: [out]}]
checks:
  - name: applog
    type: log
    path: ${log}
    from: start
${extra}`,
  );
  return file;
}
const env = () => ({ WATCHDOG_CONFIG: "", NO_COLOR: "1" });
const excerpt = (source: string) => readCorpus().find((e) => e.source === source)!.lines;
const batch07 = path.resolve(__dirname, "../../fixtures/causes/batches/batch-07.txt");
const fromBatch07 = (source: string) => readCorpus(batch07).find((e) => e.source === source)!.lines;
const batch10 = path.resolve(__dirname, "../../fixtures/causes/batches/batch-10.txt");

describe("probable cause through the CLI", () => {
  it("ComfyUI's wrapper line defers to the OOM on the lines after it (zh-CN alert)", async () => {
    const file = setup("comfy", excerpt("https://github.com/Comfy-Org/ComfyUI/issues/4852"));
    const r = await runCli(["check", "-c", file], { cwd: dir, env: env() });
    expect(r.stdout).toContain("probable cause: gpu_oom");
    expect(r.stdout).toContain("gpu_oom: GPU 显存不足");
    expect(r.stdout).not.toContain("job_failed");
  });

  it("harmless startup output fails nothing", async () => {
    const file = setup("harmless", [
      ...excerpt("https://github.com/oobabooga/textgen/issues/1086"),
      ...excerpt("https://github.com/RUC-NLPIR/FlashRAG/issues/71"),
      ...excerpt("https://github.com/NVIDIA/nccl/issues/1126"),
    ]);
    const r = await runCli(["check", "-c", file], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("probable cause");
  });

  it("a library's fallback to another file format fails nothing", async () => {
    const file = setup("fallback", excerpt("https://github.com/huggingface/diffusers/pull/10547"));
    const r = await runCli(["check", "-c", file], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/applog +OK /);
    expect(r.stdout).toContain("nothing to send");
  });

  it("a warning that goes on without an optional module fails nothing; a later missing module is named", async () => {
    const optional = fromBatch07("https://github.com/MackinationsAi/Window_Trellis/issues/1");
    const warn = setup("optional", optional);
    const w = await runCli(["check", "-c", warn], { cwd: dir, env: env() });
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/applog +OK /);
    // The warning excuses the one import error after it, not the one that stops the service later.
    const fatal = ["INFO: loading", "Traceback (most recent call last):"];
    fatal.push("ModuleNotFoundError: No module named 'vllm'");
    const later = setup("later", [...optional, ...fatal]);
    const l = await runCli(["check", "-c", later], { cwd: dir, env: env() });
    expect(l.stdout).toContain("1 new matching line");
    expect(l.stdout).toContain("probable cause: missing_dependency");
  });

  it("an import error with its fallback on the next line fails nothing, also as the last line of a run", async () => {
    const audiox = readCorpus(batch10).find((e) => e.source === "https://github.com/ZeyueT/AudioX/issues/44")!.lines;
    const r = await runCli(["check", "-c", setup("audiox", audiox)], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/applog +OK /);
    // Without the fallback line, the same import error is the failure it says.
    const bare = await runCli(["check", "-c", setup("bare", audiox.slice(0, 2))], { cwd: dir, env: env() });
    expect(bare.stdout).toContain("probable cause: missing_dependency");
  });

  it("a failure over several lines, then its fallback, fails nothing; the same failure after it is named", async () => {
    const batch80 = path.resolve(__dirname, "../../fixtures/causes/batches/batch-80.txt");
    const llama = readCorpus(batch80).find((e) => e.source === "https://github.com/ggml-org/llama.cpp/pull/26297")!;
    const r = await runCli(["check", "-c", setup("retry", llama.lines)], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/applog +OK /);
    const again = await runCli(["check", "-c", setup("again", [...llama.lines, llama.lines[0]!])], {
      cwd: dir,
      env: env(),
    });
    expect(again.stdout).toContain("probable cause: gpu_oom");
  });

  it("the NCCL watchdog names the CUDA error it carries; a missing .so is named by the loader (zh-CN)", async () => {
    const nccl = setup("nccl", [
      "[rank2]:[E626 23:10:17.921506443 ProcessGroupNCCL.cpp:1896] [PG ID 2 PG GUID 3 Rank 2] Process group watchdog " +
        "thread terminated with exception: CUDA error: an illegal memory access was encountered",
    ]);
    const r = await runCli(["check", "-c", nccl], { cwd: dir, env: env() });
    expect(r.stdout).toContain("probable cause: cuda_error");
    const lib = setup("lib", excerpt("https://github.com/daswer123/xtts-finetune-webui/issues/18"));
    const l = await runCli(["check", "-c", lib], { cwd: dir, env: env() });
    expect(l.stdout).toContain("probable cause: missing_library");
    expect(l.stdout).toContain("missing_library: 动态链接器找不到服务所需的原生库");
  });

  it("a bare Killed fails the check and is the OOM killer unless a line of the read names another cause", async () => {
    const bare = setup("bare", excerpt("https://github.com/equinor/ert/issues/7797"));
    const b = await runCli(["check", "-c", bare], { cwd: dir, env: env() });
    expect(b.stdout).toContain("1 new matching line");
    expect(b.stdout).toContain("probable cause: host_oom");
    const hang = setup("hang", excerpt("https://github.com/sgl-project/sglang/issues/3752"));
    const h = await runCli(["check", "-c", hang], { cwd: dir, env: env() });
    expect(h.stdout).toContain("probable cause: hang_timeout");
    // The same Killed with the kernel's stack through oom_kill_process (the dmesg of the same thread) after it.
    const dmesg = excerpt("https://github.com/equinor/ert/issues/7797 (dmesg)");
    const stack = dmesg.filter((l) => l.includes("oom_kill_process"));
    const oom = setup("oom", [...excerpt("https://github.com/equinor/ert/issues/7797"), ...stack]);
    const o = await runCli(["check", "-c", oom], { cwd: dir, env: env() });
    expect(o.stdout).toContain("probable cause: host_oom");
    expect(o.stdout).toContain("1 new matching line");
  });

  it("a cause of the config's own is named, in the config's locale, and a disabled built-in one is not", async () => {
    const causes = `causes:
  - id: tts_unknown_speaker
    patterns: ["speaker \\\\S+ not found"]
    explanation: {en: "unknown speaker", zh-CN: "说话人不存在"}
    action: {en: "check the speaker list", zh-CN: "检查说话人列表"}
disable_causes: [job_failed]
`;
    const file = setup("own", ["!!! Exception during processing !!!", "ValueError: speaker zh_9 not found"], causes);
    const r = await runCli(["check", "-c", file], { cwd: dir, env: env() });
    expect(r.stdout).toContain("probable cause: tts_unknown_speaker");
    expect(r.stdout).toContain("说话人不存在 — 检查说话人列表");
    const only = setup("disabled", ["!!! Exception during processing !!!"], "disable_causes: [job_failed]\n");
    const d = await runCli(["check", "-c", only], { cwd: dir, env: env() });
    expect(d.code).toBe(0);
  });

  it("validate reports a bad regex, then a duplicate id and unknown cause references, each at its place", async () => {
    const own = (rest: string) => `causes:
  - id: mine
    ${rest}
    explanation: {en: x}
    action: {en: y}
`;
    const regex = await runCli(["validate", "-c", setup("bad1", ["x"], own('regex: "(unclosed"'))], {
      cwd: dir,
      env: env(),
    });
    expect(regex.code).toBe(78);
    expect(regex.stdout + regex.stderr).toMatch(/bad1\.yaml:\d+:\d+: causes\[0\]\.regex: invalid regex/);
    const refs = `${own('patterns: ["ok"]')}  - id: mine
    patterns: ["ok"]
    explanation: {en: x}
    action: {en: y}
    priority: {after: no_such_cause}
disable_causes: [nope]
`;
    const r = await runCli(["validate", "-c", setup("bad2", ["x"], refs)], { cwd: dir, env: env() });
    expect(r.code).toBe(78);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/bad2\.yaml:\d+:\d+: causes\[1\]\.id: duplicate cause id "mine"/);
    expect(out).toMatch(/bad2\.yaml:\d+:\d+: disable_causes\[0\]: unknown built-in cause "nope"/);
  });
});
