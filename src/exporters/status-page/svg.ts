import type { IncidentView, Shown, SparkView, TimelineView } from "./model.js";

/** esc makes outside text safe inside HTML text and attribute values (quotes included). */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * timelineSvg draws a window as coloured slices and the incidents as a dark bar underneath. Each colour is one path
 * (a status change every few minutes for a week still makes a small page); colours come from the page's CSS classes.
 * The incident bar's tooltip names the latest incidents; the card lists them in words.
 */
export function timelineSvg(t: TimelineView, label: string, incidentTitle: (i: IncidentView) => string): string {
  const n = t.slices.length;
  const byClass = new Map<string, string>();
  let start = 0;
  for (let k = 1; k <= n; k++) {
    if (k < n && t.slices[k] === t.slices[start]) continue;
    const cls = t.slices[start] as Shown;
    byClass.set(cls, `${byClass.get(cls) ?? ""}M${start} 0h${k - start}v8h-${k - start}z`);
    start = k;
  }
  const parts = [...byClass].map(([cls, d]) => `<path class="f-${cls}" d="${d}"/>`);
  // Incidents are marked at slice resolution too: overlapping or close ones merge into one bar.
  const span = t.to - t.from;
  const marked = new Array<boolean>(n).fill(false);
  for (const i of t.incidents) {
    const a = Math.max(0, Math.floor(((i.start - t.from) / span) * n));
    const b = Math.min(n - 1, Math.floor((((i.end ?? t.to) - t.from) / span) * n));
    for (let k = a; k <= b; k++) marked[k] = true;
  }
  let bars = "";
  for (let k = 0; k < n; k++) {
    if (!marked[k] || marked[k - 1]) continue;
    let e = k;
    while (marked[e + 1]) e++;
    bars += `M${k} 9h${e - k + 1}v3h-${e - k + 1}z`;
  }
  if (bars) {
    const latest = [...t.incidents].sort((x, y) => y.start - x.start);
    const more = latest.length > 3 ? `\n(+${latest.length - 3})` : "";
    const title = latest.slice(0, 3).map(incidentTitle).join("\n") + more;
    parts.push(`<path class="f-inc" d="${bars}"><title>${esc(title)}</title></path>`);
  }
  const head =
    `<svg class="tl" viewBox="0 0 ${n} 12" preserveAspectRatio="none" ` + `role="img" aria-label="${esc(label)}">`;
  return `${head}${parts.join("")}</svg>`;
}

/** sparklineSvg draws recent values as a line scaled to their own min and max. */
export function sparklineSvg(s: SparkView, label: string): string {
  // The last 30 points: enough for a trend at this size, and the page stays small with many checks.
  const pts = s.points.slice(-30);
  if (pts.length < 2) return "";
  const ys = pts.map((p) => p[1]);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const t0 = pts[0]![0];
  const dt = pts[pts.length - 1]![0] - t0 || 1;
  // Whole units of a 100 x 24 box: finer steps would not show at this size, and would double the bytes.
  const y = (v: number) => Math.round(22 - (hi === lo ? 10 : ((v - lo) / (hi - lo)) * 20));
  const path = pts.map(([t, v]) => `${Math.round(((t - t0) / dt) * 100)},${y(v)}`).join(" ");
  const head = `<svg class="sp" viewBox="0 0 100 24" preserveAspectRatio="none" role="img" aria-label="${esc(label)}">`;
  return `${head}<polyline points="${path}"/></svg>`;
}
