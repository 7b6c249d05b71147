import { describe, expect, it } from "vitest";
import { parseCondition, type Condition } from "../../../src/probes/metrics/condition.js";
import {
  evaluate,
  MAX_SERIES_KEPT,
  readMemory,
  type MetricsMemory,
  type Rule,
} from "../../../src/probes/metrics/evaluate.js";
import { parseExposition } from "../../../src/probes/metrics/exposition.js";

const cond = (text: string): Condition => {
  const c = parseCondition(text);
  if (typeof c === "string") throw new Error(c);
  return c;
};
const rule = (name: string, when: string[], runs = 1, severity: Rule["severity"] = "critical"): Rule => ({
  name,
  when: when.map(cond),
  for: runs,
  severity,
});
const scrape = (text: string) => parseExposition(text).samples;
const vllm = (waiting: number, tokens: number) =>
  scrape(
    `vllm:num_requests_waiting{engine="0",model_name="m"} ${waiting}\n` +
      `vllm:generation_tokens_total{engine="0",model_name="m"} ${tokens}\n`,
  );
const stalled = rule(
  "queue not draining",
  ["vllm:num_requests_waiting > 0", "increase(vllm:generation_tokens_total) == 0"],
  3,
);

describe("conditions", () => {
  it.each([
    ["vllm:num_requests_waiting > 0", "value", "vllm:num_requests_waiting", ">", 0],
    ["increase(vllm:generation_tokens_total)==0", "increase", "increase(vllm:generation_tokens_total)", "==", 0],
    ["rate( x_total ) < 1.5", "rate", "rate(x_total)", "<", 1.5],
    ["mean(vllm:e2e_request_latency_seconds) >= 30", "mean", "mean(vllm:e2e_request_latency_seconds)", ">=", 30],
    ['m{model_name!="a", engine=~"0|1"} != 2', "value", 'm{model_name!="a",engine=~"0|1"}', "!=", 2],
    ['m{a="x>=1"}>=1e3', "value", 'm{a="x>=1"}', ">=", 1000],
    ["m <= -Inf", "value", "m", "<=", -Infinity],
  ])("%s", (text, fn, expr, op, number) => {
    expect(cond(text)).toMatchObject({ fn, expr, op, number });
  });

  it.each([
    ["vllm:num_requests_waiting", "expected EXPR OP NUMBER"],
    ["m > lots", '"lots" is not a number'],
    ["m > NaN", '"NaN" is not a number'],
    ["sum(m) > 1", "unknown function"],
    ["9m > 1", "expected a metric name"],
    ["m{a=1} > 1", 'expected label="value"'],
    ['m{a=~"(?=x)"} > 1', "label a:"],
  ])("refuses %s", (text, why) => {
    expect(parseCondition(text)).toContain(why);
  });

  it("matches regexes against the whole label value, a missing label as empty", () => {
    const samples = scrape('m{engine="0"} 1\nm{engine="10"} 2\nm 4\n');
    const at = (text: string) => evaluate([rule("r", [text])], samples, undefined, 0).verdicts[0]!.readings[0];
    expect(at('m{engine=~"0|1"} == 1')).toMatchObject({ value: 1, holds: true });
    expect(at('m{engine!~"1.*"} == 5')).toMatchObject({ value: 5, holds: true });
    expect(at('m{engine=""} == 4')).toMatchObject({ value: 4, holds: true });
  });
});

describe("rules across runs", () => {
  it("queue not draining: waiting with no tokens for 3 runs fires, with the time it covers", () => {
    // Runs two minutes apart; the first cannot know an increase.
    let memory: MetricsMemory | undefined;
    const at = (run: number, waiting: number, tokens: number) => {
      const out = evaluate([stalled], vllm(waiting, tokens), memory, run * 120_000);
      memory = out.memory;
      return out.verdicts[0]!;
    };
    expect(at(0, 3, 500)).toMatchObject({
      fired: false,
      runs: 0,
      readings: [{ value: 3 }, { kind: "unknown", why: "first" }],
    });
    expect(at(1, 9, 500)).toMatchObject({ fired: false, runs: 1 });
    expect(at(2, 12, 500)).toMatchObject({ fired: false, runs: 2 });
    const third = at(3, 14, 500);
    expect(third).toMatchObject({ fired: true, runs: 3, readings: [{ value: 14 }, { value: 0 }] });
    // The streak covers 6 minutes: from the scrape before its first run (run 0) to now.
    expect(3 * 120_000 - third.since).toBe(360_000);
    // Tokens move again: the streak ends.
    expect(at(4, 14, 530)).toMatchObject({ fired: false, runs: 0, readings: [{ value: 14 }, { value: 30 }] });
  });

  it("a rule on gauges alone covers the time from its first holding scrape", () => {
    const full = [rule("kv cache full", ["vllm:kv_cache_usage_perc >= 0.99"], 3)];
    let memory: MetricsMemory | undefined;
    let last;
    for (let run = 0; run < 4; run++) {
      const usage = run === 0 ? 0.5 : 1;
      const out = evaluate(full, scrape(`vllm:kv_cache_usage_perc ${usage}\n`), memory, run * 120_000);
      memory = out.memory;
      last = out.verdicts[0]!;
    }
    expect(last).toMatchObject({ fired: true, runs: 3, since: 120_000 });
  });

  it("healthy progress never holds", () => {
    let memory: MetricsMemory | undefined;
    for (let run = 0; run < 6; run++) {
      const out = evaluate([stalled], vllm(5, 1000 + run * 800), memory, run * 120_000);
      memory = out.memory;
      expect(out.verdicts[0]!.fired).toBe(false);
    }
  });

  it("a counter that went down was reset: the new value counts, not a negative increase", () => {
    const r = [rule("tokens", ["increase(t_total) >= 0"])];
    const first = evaluate(r, scrape('t_total{m="a"} 900\nt_total{m="b"} 100\n'), undefined, 0);
    // Series a restarted from 0 and counted 40 since; b moved by 5.
    const second = evaluate(r, scrape('t_total{m="a"} 40\nt_total{m="b"} 105\n'), first.memory, 60_000);
    expect(second.verdicts[0]!.readings[0]).toMatchObject({ value: 45 });
  });

  it("rate is the increase per second since the previous scrape", () => {
    const r = [rule("slow", ["rate(t_total) < 5"])];
    const first = evaluate(r, scrape("t_total 1000\n"), undefined, 0);
    const second = evaluate(r, scrape("t_total 1240\n"), first.memory, 120_000);
    expect(second.verdicts[0]!.readings[0]).toMatchObject({ value: 2, holds: true });
  });

  it("mean of a histogram: increase of _sum over increase of _count; no observations is not known", () => {
    const h = (sum: number, count: number) => scrape(`lat_seconds_sum ${sum}\nlat_seconds_count ${count}\n`);
    const r = [rule("slow answers", ["mean(lat_seconds) > 30"])];
    const a = evaluate(r, h(100, 10), undefined, 0);
    const b = evaluate(r, h(460, 20), a.memory, 120_000);
    expect(b.verdicts[0]!).toMatchObject({ fired: true, readings: [{ value: 36 }] });
    const c = evaluate(r, h(460, 20), b.memory, 240_000);
    expect(c.verdicts[0]!).toMatchObject({ fired: false, readings: [{ kind: "unknown", why: "no_observations" }] });
  });

  it("a metric the scrape lacks is missing, named, and never fires", () => {
    const out = evaluate([stalled], scrape("vllm:num_requests_running 1\n"), undefined, 0);
    expect(out.verdicts[0]).toMatchObject({
      fired: false,
      readings: [{ kind: "missing", metric: "vllm:num_requests_waiting" }, { kind: "missing" }],
    });
    const mean = evaluate([rule("m", ["mean(lat) > 1"])], scrape("lat_sum 1\n"), undefined, 0);
    expect(mean.verdicts[0]!.readings[0]).toMatchObject({ kind: "missing", metric: "lat_count" });
    // The name is there, but not for this model: said apart, with the selector.
    const other = evaluate([rule("m", ['w{model_name="b"} > 0'])], scrape('w{model_name="a"} 3\n'), undefined, 0);
    expect(other.verdicts[0]!.readings[0]).toEqual({ kind: "missing", metric: "w", selector: 'w{model_name="b"}' });
  });

  it("keeps only the counters the rules read, and their sum past MAX_SERIES_KEPT series", () => {
    const many = Array.from({ length: MAX_SERIES_KEPT + 1 }, (_, i) => `t_total{i="${i}"} 1`).join("\n");
    const r = [rule("r", ["increase(t_total) > 0", "g > 0"])];
    const a = evaluate(r, scrape(`${many}\ng 1\nother_total 5\n`), undefined, 0);
    expect(Object.keys(a.memory.counters)).toEqual(["t_total"]);
    expect(a.memory.counters.t_total).toEqual({ "*": MAX_SERIES_KEPT + 1 });
    const b = evaluate(r, scrape(`${many.replace('t_total{i="0"} 1', 't_total{i="0"} 4')}\ng 1\n`), a.memory, 1);
    expect(b.verdicts[0]!.readings[0]).toMatchObject({ value: 3 });
  });

  it("memory that does not fit (a hand edit, another version) counts as none", () => {
    expect(readMemory({ at: "yesterday" })).toBeUndefined();
    expect(readMemory(undefined)).toBeUndefined();
    expect(readMemory({ at: 1, counters: {}, streaks: { r: { runs: 2, since: 0 } } })).toBeDefined();
  });
});
