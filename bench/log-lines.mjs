// The log lines and patterns the log benches share (bench/log-scan.mjs, bench/literal-search.mjs).

/** PATTERNS are a log check's 10 patterns, as a user writes them. */
export const PATTERNS = [
  "CUDA out of memory",
  "Segmentation fault",
  "Killed process [0-9]+",
  "NCCL error",
  "Address already in use",
  "ModuleNotFoundError",
  "Xid \\(PCI:",
  "RuntimeError: CUDA error",
  "Traceback \\(most recent call last\\)",
  "No space left on device",
];

// Lines as the services write them (real lines, sources in test/fixtures/causes/): access logs, engine metrics, TTS,
// ComfyUI.
export const NORMAL = [
  (i) => `INFO:     127.0.0.1:${40000 + (i % 20000)} - "POST /v1/chat/completions HTTP/1.1" 200 OK`,
  (i) =>
    `INFO 11-18 18:${String(i % 60).padStart(2, "0")}:28 metrics.py:351] Avg prompt throughput: ` +
    `${(i % 997) / 3} tokens/s, Avg generation throughput: ${(i % 89) + 0.5} tokens/s, Running: ${i % 9} reqs, ` +
    `Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: ${i % 100}.2%, CPU KV cache usage: 0.0%.`,
  (i) =>
    `2024-11-18 18:07:${String(i % 60).padStart(2, "0")},123 - cosyvoice - INFO - synthesizing ${i % 300} chars for ` +
    `speaker zh_female_${i % 7} in 0.${i % 10}3s`,
  () => "got prompt",
  (i) => `Prompt executed in ${(i % 5000) / 100} seconds`,
  (i) => `100%|██████████| 20/20 [00:0${i % 10}<00:00,  5.88it/s]`,
  (i) =>
    `DEBUG:urllib3.connectionpool:https://huggingface.co:443 "HEAD ` +
    `/api/models/Qwen/Qwen2.5-7B-Instruct/revision/main HTTP/1.1" 200 ${i % 4096}`,
  (i) =>
    `WARNING 11-18 18:07:28 scheduler.py:1089] Sequence group ${i} is preempted by PreemptionMode.RECOMPUTE mode ` +
    `because there is not enough KV cache space.`,
];
export const MATCHING = [
  "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total capacity of " +
    "23.65 GiB of which 11.06 MiB is free.",
  "Traceback (most recent call last):",
  "RuntimeError: CUDA error: an illegal memory access was encountered",
  "[Sun Mar 24 23:54:53 2024] Out of memory: Killed process 6154 (python) total-vm:18109076kB, anon-rss:14095848kB",
  "NVRM: Xid (PCI:0000:2b:00): 79, GPU has fallen off the bus.",
  "ERROR:    [Errno 98] error while attempting to bind on address ('0.0.0.0', 8000): address already in use",
];
