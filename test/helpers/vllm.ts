import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";

// vLLM's /metrics as the fakes of the metrics and gpu tests serve it, and the queue rule their configs watch it with.

const PAGE = path.resolve(__dirname, "../fixtures/metrics/vllm.txt");

/** VllmNumbers are the numbers a test moves: requests waiting and running, and the generated-token counter. */
export type VllmNumbers = { waiting?: number; running?: number; tokens?: number };

/** vllmPage is vLLM v1's captured page (test/fixtures/metrics/vllm.txt) with the numbers given set. */
export function vllmPage(set: VllmNumbers): string {
  let page = fs.readFileSync(PAGE, "utf8");
  if (set.waiting !== undefined) {
    page = page.replace(/^(vllm:num_requests_waiting\{[^}]*\}) 14\.0$/m, `$1 ${set.waiting}.0`);
  }
  if (set.running !== undefined) {
    page = page.replace(/^(vllm:num_requests_running\{[^}]*\}) 2\.0$/m, `$1 ${set.running}.0`);
  }
  if (set.tokens !== undefined) {
    page = page.replace(/^(vllm:generation_tokens_total\{[^}]*\}) 95504\.0$/m, `$1 ${set.tokens}.0`);
  }
  return page;
}

/** QUEUE_RULE is docs/metrics.md's rule (YAML under a check's `rules:`): requests wait, no token is generated. */
export const QUEUE_RULE = `      - name: queue not draining
        when:
          - vllm:num_requests_waiting > 0
          - increase(vllm:generation_tokens_total) == 0
        for: 3
`;

/**
 * useFakeVllm serves vLLM on 127.0.0.1 for the test file's tests: /metrics is the page with NUMBERS as they are at
 * each scrape (the tests move them), /health stays 200 through it all, as vLLM's does. `base` is set before the tests.
 */
export function useFakeVllm(numbers: VllmNumbers): { base: string } {
  const fake = { base: "" };
  const server = http.createServer((req, res) => {
    if (req.url === "/health") return res.writeHead(200).end();
    if (req.url !== "/metrics") return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", connection: "close" });
    res.end(vllmPage(numbers));
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    fake.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return fake;
}
