import { startHttpVendor, type VendorServer } from "../../../helpers/vendors/http-vendor.js";

/**
 * A generic webhook receiver: POST /hook accepts any JSON with 200 {"ok":true}. If `token` is given, requests without
 * `Authorization: Bearer TOKEN` get 401. setMode("error") answers HTTP 503 (retryable).
 */
export async function startWebhook(opts: { token?: string; now?: () => number } = {}): Promise<VendorServer> {
  return startHttpVendor(
    "/hook",
    ({ headers }) => {
      if (opts.token && headers.authorization !== `Bearer ${opts.token}`)
        return { status: 401, body: { error: "unauthorized" }, accepted: false };
      return { body: { ok: true }, accepted: true };
    },
    { error: "service unavailable" },
    opts.now,
    503,
  );
}
