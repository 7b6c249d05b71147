import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ExpositionError, parseExposition, type Sample } from "../../../src/probes/metrics/exposition.js";

const fixture = (stack: string) => readFileSync(`test/fixtures/metrics/${stack}.txt`, "utf8");
const one = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) => {
  const got = one(samples, name, labels);
  expect(got, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return got[0]!.value;
};

describe("each stack's /metrics", () => {
  it("vLLM v1: sorted labels, counters with _total, histograms, an info gauge with empty labels", () => {
    const { samples, types } = parseExposition(fixture("vllm"));
    const m = { engine: "0", model_name: "Qwen/Qwen3-0.6B" };
    expect(value(samples, "vllm:num_requests_waiting", m)).toBe(14);
    expect(value(samples, "vllm:num_requests_running", m)).toBe(2);
    expect(value(samples, "vllm:generation_tokens_total", m)).toBe(95504);
    expect(value(samples, "vllm:kv_cache_usage_perc", m)).toBe(0.9125);
    expect(one(samples, "vllm:request_success_total")).toHaveLength(3);
    expect(value(samples, "vllm:e2e_request_latency_seconds_bucket", { le: "+Inf" })).toBe(10);
    expect(value(samples, "vllm:e2e_request_latency_seconds_count")).toBe(10);
    expect(value(samples, "vllm:e2e_request_latency_seconds_sum")).toBeCloseTo(93.5);
    expect(value(samples, "vllm:lora_requests_info")).toBe(1.7382173358407154e9);
    expect(one(samples, "vllm:lora_requests_info")[0]!.labels.running_lora_adapters).toBe("");
    expect(types["vllm:e2e_request_latency_seconds"]).toBe("histogram");
    expect(types["vllm:generation_tokens_total"]).toBe("counter");
  });

  it("SGLang: exponent notation and le before the other labels", () => {
    const { samples } = parseExposition(fixture("sglang"));
    const m = { model_name: "meta-llama/Llama-3.1-8B-Instruct" };
    expect(value(samples, "sglang:num_queue_reqs", m)).toBe(2826);
    expect(value(samples, "sglang:generation_tokens_total", m)).toBe(7.557572e6);
    expect(value(samples, "sglang:gen_throughput", m)).toBeCloseTo(86.508, 3);
    expect(value(samples, "sglang:time_to_first_token_seconds_bucket", { le: "+Inf" })).toBe(11008);
    expect(value(samples, "sglang:func_latency_seconds_bucket", { le: "0.07500000000000001" })).toBe(14006);
  });

  it("TGI: no HELP, blank lines between families, counters without _total, a summary with quantiles", () => {
    const { samples, types } = parseExposition(fixture("tgi"));
    expect(value(samples, "tgi_queue_size")).toBe(14);
    expect(value(samples, "tgi_batch_current_size")).toBe(2);
    expect(value(samples, "tgi_request_count")).toBe(181);
    expect(value(samples, "tgi_batch_inference_count", { method: "decode" })).toBe(20931);
    expect(value(samples, "tgi_request_generated_tokens_count")).toBe(5);
    expect(value(samples, "tgi_request_generated_tokens_sum")).toBe(962);
    expect(value(samples, "tgi_request_skipped_tokens", { quantile: "0.999" })).toBe(2);
    expect(one(samples, "tgi_request_duration_bucket")).toHaveLength(36);
    expect(types.tgi_request_skipped_tokens).toBe("summary");
  });

  it("llama.cpp: unlabelled values as a C++ stream writes them", () => {
    const { samples, types } = parseExposition(fixture("llamacpp"));
    expect(value(samples, "llamacpp:requests_deferred")).toBe(14);
    expect(value(samples, "llamacpp:requests_processing")).toBe(1);
    expect(value(samples, "llamacpp:tokens_predicted_total")).toBe(39080);
    expect(value(samples, "llamacpp:predicted_tokens_seconds")).toBe(31.6309);
    expect(types["llamacpp:tokens_predicted_total"]).toBe("counter");
    expect(samples).toHaveLength(11);
  });

  it("Triton: per-model labels, a summary, GPU gauges", () => {
    const { samples } = parseExposition(fixture("triton"));
    expect(value(samples, "nv_inference_pending_request_count", { model: "simple" })).toBe(14);
    expect(value(samples, "nv_inference_count", { model: "simple", version: "1" })).toBe(1203);
    expect(one(samples, "nv_inference_request_failure")).toHaveLength(2);
    expect(value(samples, "nv_inference_request_summary_us", { quantile: "0.99" })).toBe(9120);
  });
});

describe("the text format's corners", () => {
  it('unescapes \\\\, \\" and \\n in label values and keeps other characters as they are', () => {
    const { samples } = parseExposition('m{path="C:\\\\dir\\\\x",msg="say \\"hi\\"\\nbye",u="模型 {a=b}, c"} 1\n');
    expect(samples[0]!.labels).toEqual({ path: "C:\\dir\\x", msg: 'say "hi"\nbye', u: "模型 {a=b}, c" });
  });

  it("reads NaN, +Inf, -Inf, exponents and the lower-case forms C++ writes", () => {
    const text = "a NaN\nb +Inf\nc -Inf\nd 1.5e-3\ne nan\nf inf\ng -0\nh .5\n";
    const values = parseExposition(text).samples.map((s) => s.value);
    expect(values).toEqual([NaN, Infinity, -Infinity, 0.0015, NaN, Infinity, -0, 0.5]);
  });

  it("ignores timestamps, a trailing comma in labels, CRLF line ends, tabs and extra spaces", () => {
    const text = 'a{x="1",} 3 1712000000000\r\nb\t4\t-5\r\n  c   5  \n';
    expect(parseExposition(text).samples).toEqual([
      { name: "a", labels: { x: "1" }, value: 3 },
      { name: "b", labels: {}, value: 4 },
      { name: "c", labels: {}, value: 5 },
    ]);
  });

  it("reads OpenMetrics: UNIT lines, exemplars, float timestamps, and nothing after # EOF", () => {
    const text = [
      "# TYPE vllm:generation_tokens counter",
      "# UNIT vllm:generation_tokens tokens",
      "# HELP vllm:generation_tokens Number of generation tokens processed.",
      'vllm:generation_tokens_total{model_name="m"} 17.0 1712000000.123 # {trace_id="abc"} 1.0 1712000000.0',
      'vllm:generation_tokens_created{model_name="m"} 1.7e9',
      "# EOF",
      "this is not a sample",
    ].join("\n");
    const { samples, types } = parseExposition(text);
    expect(samples.map((s) => [s.name, s.value])).toEqual([
      ["vllm:generation_tokens_total", 17],
      ["vllm:generation_tokens_created", 1.7e9],
    ]);
    expect(types["vllm:generation_tokens"]).toBe("counter");
  });

  it("reads a line of 100 000 labels (a hostile page is read in one pass)", () => {
    const labels = Array.from({ length: 100_000 }, (_, i) => `l${i}="v"`).join(",");
    const [sample] = parseExposition(`m{${labels}} 7\n`).samples;
    expect(Object.keys(sample!.labels)).toHaveLength(100_000);
    expect(sample!.value).toBe(7);
  });

  it("quotes at most 40 characters of the page in a message", () => {
    expect(() => parseExposition(`m{"${"x".repeat(5000)}" 1}`)).toThrow(
      `line 1: expected = after label "${"x".repeat(40)}…" at column 5006`,
    );
  });

  it("reads the quoted metric names of Prometheus 3 (UTF-8 names)", () => {
    const { samples } = parseExposition('{"my.metric", le="1"} 2\n');
    expect(samples).toEqual([{ name: "my.metric", labels: { le: "1" }, value: 2 }]);
  });

  it.each([
    ['<!doctype html>\n<html lang="en"></html>', "line 1: expected a metric name"],
    ['{"status": true}', "line 1: expected , or } at column 10"],
    ['m{a="1"', "line 1: expected , or }"],
    ['m{a="x\\q"} 1', "line 1: invalid escape \\q"],
    ['m{a="open} 1', "line 1: a quoted string is not closed"],
    ['m{a="1",a="2"} 1', 'line 1: label "a" appears twice'],
    ["ok 1\nm one", "line 2: expected a number as the value"],
    ["m 1 2 3", "line 1: expected the end of the line"],
    ["m 1 yesterday", "line 1: invalid timestamp"],
    ["# TYPE m sometimes\nm 1", "line 1: unknown metric type"],
  ])("refuses %j: %s", (text, why) => {
    expect(() => parseExposition(text)).toThrow(ExpositionError);
    expect(() => parseExposition(text)).toThrow(why);
  });
});
