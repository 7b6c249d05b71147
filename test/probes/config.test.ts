import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { runProbe } from "../../src/probes/run.js";
import { configErrorsOf as errorsOf, PARSE_OPTS as opts } from "../helpers/config.js";
import { testDeps } from "./ctx.js";

const EXAMPLE = `
checks:
  - name: vllm-log
    type: log
    path: /var/log/vllm.log
    hold: 10m
    patterns:
      - "Traceback"
      - {regex: "Engine loop has died", severity: critical, cause: "vllm engine died"}
  - name: vllm-proc
    type: process
    match: "vllm serve"
    max_rss: 60GiB
  - name: gpus
    type: gpu
    count: 8
    min_free_memory: 2GiB
    processes: true
  - name: disk-plugin
    type: exec
    command: [/usr/lib/nagios/plugins/check_disk, -w, 10%, -c, 5%, -p, /]
  - name: vllm-generate
    type: openai
    base_url: http://127.0.0.1:8000
    model: Qwen/Qwen2.5-7B-Instruct
    max_ttft: 2s
  - name: tts
    type: http
    url: http://127.0.0.1:7860/tts
    json: {text: "hi"}
    expect: {content_type: audio/wav, min_bytes: 1KiB, json_path: [{path: data.0.status, equals: ok}], cert_expiry: 14d}
`;

describe("probe config", () => {
  it("every new probe type validates with its defaults", () => {
    const { config } = parseConfig(EXAMPLE, opts);
    const [log, proc, gpu, exec, openai, http] = config.checks;
    expect(log).toMatchObject({
      type: "log",
      hold: 600_000,
      causes: "builtin",
      from: "end",
      excerpt_lines: 3,
      missing: "unknown",
    });
    expect(proc).toMatchObject({ type: "process", min: 1, max_rss: 60 * 1024 ** 3 });
    expect(gpu).toMatchObject({
      type: "gpu",
      timeout: 10_000,
      memory: { warning: 90, critical: 98 },
      temperature: { warning: 80, critical: 90 },
      min_free_memory: 2 * 1024 ** 3,
    });
    expect(exec).toMatchObject({ type: "exec", timeout: 30_000, shell: false });
    expect(openai).toMatchObject({ type: "openai", max_ttft: 2000, timeout: 60_000 });
    expect(http).toMatchObject({ expect: { min_bytes: 1024, cert_expiry: 14 * 86_400_000 } });
  });

  it(
    "checks parsed from YAML run through the runner: " + "the check's own name does not collide with probe fields",
    async () => {
      const { config } = parseConfig(
        `checks:
  - name: this-test
    type: process
    match: "vitest|node"
  - name: by-comm
    type: process
    comm: no-such-comm-xyz
    min: 0
  - name: fake-gpu
    type: gpu
    nvidia_smi: ${JSON.stringify(`${__dirname}/../fixtures/nvidia-smi/h100-1/nvidia-smi`)}
`,
        opts,
      );
      const results = await Promise.all(
        config.checks.map((c) => runProbe(c, undefined, testDeps(), new AbortController().signal)),
      );
      expect(results.map((r) => [r.result.check, r.result.status])).toEqual([
        ["this-test", "ok"],
        ["by-comm", "ok"],
        ["fake-gpu", "ok"],
      ]);
    },
  );

  it("an invalid regex in a log pattern is a config error at FILE:LINE:COL", () => {
    const errs = errorsOf(`checks:
  - name: bad
    type: log
    path: /var/log/x.log
    patterns:
      - "CUDA out of memory"
      - "unclosed (group"
`);
    expect(errs).toEqual([
      expect.stringMatching(/^watchdog\.yaml:7:9: checks\[0\]\.patterns\[1\]: invalid regex: .*unclosed \(group/),
    ]);
  });

  it("an invalid regex inside {regex: ...} and in a process match is located too", () => {
    const errs = errorsOf(`checks:
  - name: bad
    type: log
    path: /x.log
    patterns:
      - {regex: "a[b", severity: warning}
  - name: p
    type: process
    match: "*vllm"
`);
    expect(errs).toHaveLength(2);
    expect(errs[0]).toMatch(/^watchdog\.yaml:6:\d+: checks\[0\]\.patterns\[0\]\.regex: invalid regex/);
    expect(errs[1]).toMatch(/^watchdog\.yaml:9:12: checks\[1\]\.match: invalid regex/);
  });
});
