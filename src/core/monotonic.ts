/**
 * monotonicMs is a clock for durations that never steps with the wall clock, in milliseconds. It reads
 * process.hrtime rather than performance.now(): the first touch of the `performance` global loads perf_hooks and ten
 * internal modules (~0.8 MB and a few ms), on every run, for a subtraction.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
