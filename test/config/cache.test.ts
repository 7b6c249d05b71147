import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheDir, readCached, type CacheInputs } from "../../src/config/cache.js";
import { loadConfig, readSecretFile } from "../../src/config/discover.js";

// The cache of the validated config (src/config/cache.ts), with real files: a hit gives exactly what a fresh parse
// gives, anything validation depends on invalidates it, and no secret is ever written into it.

let dir: string;
let file: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-cache-"));
  file = path.join(dir, "watchdog.yaml");
  env = { XDG_CACHE_HOME: path.join(dir, "cache"), SMTP_PASS: "env-smtp-pass-4711", HOOK_TOKEN: "env-hook-token-0815" };
  fs.writeFileSync(path.join(dir, "feishu-secret"), "file-feishu-secret-42\n", { mode: 0o600 });
  fs.writeFileSync(file, CONFIG, { mode: 0o600 });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const INLINE = "inline-ding-token-9999";
const SECRETS = ["env-smtp-pass-4711", "env-hook-token-0815", "file-feishu-secret-42", INLINE, "SECinline-sign-1234", "pw-in-am-url-31"];
const CONFIG = `host: box
state_file: /tmp/never/state.json
channels:
  email: {type: email, host: 127.0.0.1, port: 2525, user: ops, pass: "\${SMTP_PASS}", from: a@b.c, to: [c@d.e]}
  ding:
    type: dingtalk
    webhook: 'https://oapi.dingtalk.com/robot/send?access_token=${INLINE}'
    secret: SECinline-sign-1234
  feishu: {type: feishu, webhook: https://open.feishu.cn/open-apis/bot/v2/hook/abc, secret_file: feishu-secret}
  am: {type: alertmanager, urls: ["http://127.0.0.1:9093", "http://am:pw-in-am-url-31@127.0.0.1:9094"]}
  hook:
    type: webhook
    url: http://127.0.0.1:9/hook
    headers: {Authorization: "Bearer \${HOOK_TOKEN}"}
escalation:
  - after: 1
    notify: [email, ding]
  - after: 3
    notify: [feishu, hook]
    restart: true
checks:
  - name: tts
    type: http
    url: http://127.0.0.1:8000/health
    timeout: 5s
    labels: {team: voice}
    restart: {command: ["/usr/local/bin/restart-tts"]}
  - {name: port, type: tcp, port: 8000, depends_on: [tts]}
`;

const inputs = () => ({ env, cwd: dir, hostname: "h" });
const load = (cached: boolean) => loadConfig({ config: file, cached }, inputs());
const cacheInputs = (): CacheInputs => {
  const text = fs.readFileSync(file, "utf8");
  const secretPath = (p: string) => path.resolve(dir, p);
  return {
    source: file,
    cwd: dir,
    text,
    env,
    hostname: "h",
    readFile: (p) => readSecretFile(secretPath(p)),
    secretPath,
  };
};
const entries = () => (fs.existsSync(cacheDir(env)!) ? fs.readdirSync(cacheDir(env)!) : []);
const entryText = () => fs.readFileSync(path.join(cacheDir(env)!, entries()[0]!), "utf8");

describe("config cache", () => {
  it("a later run takes the cached result, equal to a fresh parse in every value, key order and prototype", () => {
    const fresh = load(false);
    expect(entries()).toEqual([]);
    expect(load(true)).toEqual(fresh);
    expect(entries()).toHaveLength(1);
    const hit = readCached(cacheInputs());
    expect(hit).toBeDefined();
    expect(hit).toEqual(fresh);
    expect(Object.keys(hit!.config)).toEqual(Object.keys(fresh.config));
    expect(Object.keys(hit!.config.checks[0]!)).toEqual(Object.keys(fresh.config.checks[0]!));
    expect(Object.getPrototypeOf(hit!.config.channels)).toBeNull();
    expect(hit!.secrets).toEqual(fresh.secrets);
    expect(load(true)).toEqual(fresh);
  });

  it("writes no secret, raw, JSON-escaped or URL-encoded; the file is 0600 in a 0700 folder", () => {
    load(true);
    const text = entryText();
    for (const s of SECRETS) {
      expect(text).not.toContain(s);
      expect(text).not.toContain(JSON.stringify(s).slice(1, -1));
      expect(text).not.toContain(encodeURIComponent(s));
    }
    expect(fs.statSync(path.join(cacheDir(env)!, entries()[0]!)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(cacheDir(env)!).mode & 0o777).toBe(0o700);
  });

  it("gives the new value of a changed variable or secret file; a changed config is read anew", () => {
    load(true);
    env.SMTP_PASS = "a-new-smtp-pass";
    expect(readCached(cacheInputs())).toBeUndefined();
    const email = (l: ReturnType<typeof load>) => l.config.channels.email as { pass?: string };
    expect(email(load(true)).pass).toBe("a-new-smtp-pass");
    expect(email(readCached(cacheInputs())!).pass).toBe("a-new-smtp-pass");

    fs.writeFileSync(path.join(dir, "feishu-secret"), "file-feishu-secret-43\n");
    expect(readCached(cacheInputs())).toBeUndefined();
    expect((load(true).config.channels.feishu as { secret?: string }).secret).toBe("file-feishu-secret-43");

    fs.writeFileSync(file, CONFIG.replace("timeout: 5s", "timeout: 7s"));
    expect(readCached(cacheInputs())).toBeUndefined();
    const timeout = (l: ReturnType<typeof load> | undefined) => (l?.config.checks[0] as { timeout?: number }).timeout;
    expect(timeout(load(true))).toBe(7000);
    expect(timeout(readCached(cacheInputs()))).toBe(7000);
  });

  it("an unset variable is refused as by a fresh parse, never taken from the cache", () => {
    load(true);
    delete (env as Record<string, string | undefined>).HOOK_TOKEN;
    expect(() => load(true)).toThrow(/environment variable HOOK_TOKEN is not set/);
  });

  it("another host name or working directory is another entry", () => {
    load(true);
    expect(readCached({ ...cacheInputs(), hostname: "other" })).toBeUndefined();
    expect(readCached({ ...cacheInputs(), cwd: "/" })).toBeUndefined();
  });

  it("ignores an entry or folder others can write, a symlink, a damaged entry; then writes it again", () => {
    load(true);
    const entry = path.join(cacheDir(env)!, entries()[0]!);
    fs.chmodSync(entry, 0o620);
    expect(readCached(cacheInputs())).toBeUndefined();
    fs.rmSync(entry);
    const elsewhere = path.join(dir, "elsewhere.json");
    load(true);
    fs.renameSync(entry, elsewhere);
    fs.symlinkSync(elsewhere, entry);
    expect(readCached(cacheInputs())).toBeUndefined();
    fs.rmSync(entry);
    load(true);
    fs.chmodSync(cacheDir(env)!, 0o770);
    expect(readCached(cacheInputs())).toBeUndefined();
    fs.chmodSync(cacheDir(env)!, 0o700);
    expect(readCached(cacheInputs())).toBeDefined();
    fs.rmSync(entry);
    fs.writeFileSync(entry, "{not json", { mode: 0o600 });
    expect(readCached(cacheInputs())).toBeUndefined();
    const good = JSON.parse(fs.readFileSync(elsewhere, "utf8")) as Record<string, unknown>;
    fs.writeFileSync(entry, JSON.stringify({ ...good, files: null, holes: "x" }), { mode: 0o600 });
    expect(readCached(cacheInputs())).toBeUndefined();
    expect(load(true)).toEqual(load(false));
    expect(readCached(cacheInputs())).toBeDefined();
  });

  it("does not cache a config whose secret it could only keep as its value (a block scalar)", () => {
    fs.writeFileSync(
      file,
      CONFIG.replace("    secret: SECinline-sign-1234\n", "").replace(
        "  feishu:",
        "  ding2:\n    type: dingtalk\n    webhook: https://oapi.dingtalk.com/robot/send?access_token=x1234567\n" +
          "    secret: |-\n      SECblock-secret-5678\n  feishu:",
      ),
    );
    const fresh = load(true);
    expect(entries()).toEqual([]);
    expect((fresh.config.channels.ding2 as { secret?: string }).secret).toBe("SECblock-secret-5678");
  });

  it("keeps at most 16 entries", () => {
    for (let i = 0; i < 20; i++) {
      const other = path.join(dir, `w${i}.yaml`);
      fs.writeFileSync(other, "checks: [{name: a, type: tcp, port: 1}]\n", { mode: 0o600 });
      loadConfig({ config: other, cached: true }, inputs());
    }
    expect(entries().length).toBe(16);
  });

  it("goes where systemd's CacheDirectory= says, else $XDG_CACHE_HOME/watchdog, else ~/.cache/watchdog", () => {
    expect(cacheDir({ CACHE_DIRECTORY: "/var/cache/watchdog", XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe(
      "/var/cache/watchdog",
    );
    expect(cacheDir({ CACHE_DIRECTORY: "/var/cache/watchdog:/var/cache/other" })).toBe("/var/cache/watchdog");
    expect(cacheDir({ XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/x/watchdog");
    expect(cacheDir({ HOME: "/h" })).toBe("/h/.cache/watchdog");
    expect(cacheDir({ HOME: "relative", XDG_CACHE_HOME: "" })).toBeUndefined();
  });

  it("is not written without a cache folder, and not read by a command that does not ask for it", () => {
    env = { SMTP_PASS: "env-smtp-pass-4711", HOOK_TOKEN: "env-hook-token-0815" };
    expect(cacheDir(env)).toBeUndefined();
    expect(load(true).config.host).toBe("box");
    env.XDG_CACHE_HOME = path.join(dir, "cache");
    load(false);
    expect(entries()).toEqual([]);
  });
});
