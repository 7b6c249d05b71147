import type { Agent } from "node:http";
import { getProxyForUrl } from "proxy-from-env";

/**
 * Proxies as curl takes them from the environment (proxy-from-env): `http_proxy`/`HTTP_PROXY` for http URLs,
 * `https_proxy`/`HTTPS_PROXY` for https, `all_proxy` for both, and `no_proxy`/`NO_PROXY` (host, `.domain`,
 * `host:port`, `*`) for the hosts reached directly. Like curl, localhost is not skipped unless NO_PROXY names it.
 */

/** proxyFor is the proxy URL to reach `url` through, or "" to go directly. */
export function proxyFor(url: URL): string {
  return getProxyForUrl(url.href);
}

/**
 * proxyAgent is the agent that sends one request for `url` through `proxy`: CONNECT for https (the TLS check, or
 * its absence, stays with the request), an absolute-URI request for http. Loaded only when a proxy is in use.
 */
export async function proxyAgent(url: URL, proxy: string): Promise<Agent> {
  // The proxy's URL is never quoted: it may carry credentials.
  let parsed: URL;
  try {
    parsed = new URL(proxy);
  } catch {
    throw new Error("the proxy of HTTP_PROXY/HTTPS_PROXY/ALL_PROXY is not a URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    const scheme = parsed.protocol.replace(/:$/, "");
    throw new Error(`${scheme}: only http:// and https:// proxies are supported (HTTP_PROXY/HTTPS_PROXY/ALL_PROXY)`);
  }
  if (url.protocol === "https:") {
    const { HttpsProxyAgent } = await import("https-proxy-agent");
    return new HttpsProxyAgent(proxy);
  }
  const { HttpProxyAgent } = await import("http-proxy-agent");
  return new HttpProxyAgent(proxy);
}
