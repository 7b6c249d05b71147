import type { Shown, SparkView, TimelineView } from "./model.js";

/** esc makes outside text safe inside HTML text and attribute values (quotes included). */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * timelineSvg draws a window as coloured slices (adjacent equal slices merged, so the size stays small) with each
 * incident as a dark bar underneath. Colours come from the page's CSS classes; `label` is read by screen readers.
 */
export function timelineSvg(t: TimelineView, label: string, incidentTitle: (i: TimelineView["incidents"][number]) => string): string {
  const n = t.slices.length;
  const parts: string[] = [];
  let start = 0;
  for (let k = 1; k <= n; k++) {
    if (k < n && t.slices[k] === t.slices[start]) continue;
    parts.push(`<rect class="f-${t.slices[start] as Shown}" x="${start}" y="0" width="${k - start}" height="8"/>`);
    start = k;
  }
  const span = t.to - t.from;
  for (const i of t.incidents) {
    const a = Math.max(0, ((i.start - t.from) / span) * n);
    const b = Math.min(n, (((i.end ?? t.to) - t.from) / span) * n);
    parts.push(`<rect class="f-inc" x="${r1(a)}" y="9" width="${r1(Math.max(0.6, b - a))}" height="3"><title>${esc(incidentTitle(i))}</title></rect>`);
  }
  return `<svg class="tl" viewBox="0 0 ${n} 12" preserveAspectRatio="none" role="img" aria-label="${esc(label)}">${parts.join("")}</svg>`;
}

/** sparklineSvg draws recent values as a line scaled to their own min and max. */
export function sparklineSvg(s: SparkView, label: string): string {
  const pts = s.points;
  if (pts.length < 2) return "";
  const ys = pts.map((p) => p[1]);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const t0 = pts[0]![0];
  const dt = pts[pts.length - 1]![0] - t0 || 1;
  const path = pts.map(([t, v]) => `${r1(((t - t0) / dt) * 100)},${r1(22 - (hi === lo ? 10 : ((v - lo) / (hi - lo)) * 20))}`).join(" ");
  return `<svg class="sp" viewBox="0 0 100 24" preserveAspectRatio="none" role="img" aria-label="${esc(label)}"><polyline points="${path}"/></svg>`;
}
