const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** parseDuration turns "500ms", "10s", "2m", "1h", "1d" or "1h30m" into milliseconds; undefined when invalid. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === "") return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const m = PART.exec(s);
    if (!m || m.index !== start) return undefined;
    total += Number(m[1]) * (UNITS[m[2]!] ?? 0);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

const EN_UNITS = { ms: "ms", s: "s", m: "m", h: "h", d: "d", sep: " " };
const ZH_UNITS = { ms: "毫秒", s: "秒", m: "分", h: "小时", d: "天", sep: "" };

/**
 * formatDuration renders milliseconds as a short human string: "45s", "2m 5s", "1h 3m", "2d 4h" (zh-CN: "2分5秒").
 */
export function formatDuration(ms: number, locale: "en" | "zh-CN" = "en"): string {
  const u = locale === "zh-CN" ? ZH_UNITS : EN_UNITS;
  const two = (a: number, ua: string, b: number, ub: string) => (b ? `${a}${ua}${u.sep}${b}${ub}` : `${a}${ua}`);
  const v = Math.max(0, Math.round(ms));
  if (v < 1000) return `${v}${u.ms}`;
  const s = Math.floor(v / 1000);
  if (s < 60) return `${s}${u.s}`;
  const m = Math.floor(s / 60);
  if (m < 60) return two(m, u.m, s % 60, u.s);
  const h = Math.floor(m / 60);
  if (h < 24) return two(h, u.h, m % 60, u.m);
  const d = Math.floor(h / 24);
  return two(d, u.d, h % 24, u.h);
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** parseSize turns "8GiB", "512MB", "100k" or a plain number of bytes into bytes; undefined when invalid. */
export function parseSize(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? "").toLowerCase() || "b";
  const mult = SIZE_UNITS[unit];
  return mult === undefined ? undefined : Math.round(Number(m[1]) * mult);
}
