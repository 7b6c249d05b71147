// proxy-from-env ships no types: its one function, as its README describes it.
declare module "proxy-from-env" {
  /** getProxyForUrl is the proxy URL for `url` from the *_PROXY and NO_PROXY variables, or "" for none. */
  export function getProxyForUrl(url: string | URL): string;
}
