import { formatTime } from "../../notify/render.js";
import { localizeCause } from "../../probes/log/causes.js";
import { wordsFor, type PageLocale, type PageWords } from "./i18n.js";
import type { CheckView, IncidentView, PageModel, SparkView } from "./model.js";
import { STYLE } from "./style.js";
import { esc, sparklineSvg, timelineSvg } from "./svg.js";

/**
 * LATE_SCRIPT is the page's only script: a static page cannot know it went stale, so when the browser's clock passes
 * the time the next run was due it shows the "watchdog is late" banner written (hidden) into the page. The CSP allows
 * exactly this script by its hash; everything else on the page works without it.
 */
const LATE_SCRIPT =
  'var l=+document.body.dataset.lateAt;if(l&&Date.now()>l)document.getElementById("late").hidden=false;';
// sha256 of LATE_SCRIPT, base64 (test/e2e/startup.test.ts checks it): hashing here loaded node:crypto in every run.
const LATE_HASH = "UwsvFAD6OIrnVGxZkjh8Y1cVUoLIlGr+a8Hc05WSy6k=";
/** CSP forbids every load from anywhere: the page is self-contained (no CDN, fonts or scripts from outside). */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; " + `script-src 'sha256-${LATE_HASH}'`;

const MAX_INCIDENTS = 3;

/** renderPage renders the model as one self-contained HTML document in the locale. */
export function renderPage(m: PageModel, locale: PageLocale): string {
  const w = wordsFor(locale);
  const short = (t: number) => formatTime(t).slice(5, 16);
  const lastEnd = m.lastRun ? m.lastRun.at + m.lastRun.durationMs : undefined;
  const run = m.lastRun;
  const head = run ? w.lastRun(formatTime(run.at), w.dur(run.durationMs), w.dur(m.now - run.at)) : w.noRun;
  const lateText = m.lastRun ? w.late(w.dur(m.now - m.lastRun.at)) : w.noRun;
  // Written hidden unless already late: the script reveals it when the page outlives the next due run.
  const bannerText = m.late ? lateText : w.late(`> ${w.dur(m.lateAfterMs)}`);
  const staleBanner =
    lastEnd === undefined ? "" : `<p id="late" class="banner"${m.late ? "" : " hidden"}>${esc(bannerText)}</p>`;
  const body = [
    `<header><h1>${esc(m.title)}</h1><p class="host">${esc(m.host)}</p>`,
    `<p class="run">${esc(head)}</p>`,
    `<p class="counts">${esc(w.summaryLine(m.counts))}</p>`,
    staleBanner,
    m.configProblem ? `<p class="banner">${esc(m.configProblem)}</p>` : "",
    m.gapMs ? `<p class="note">${esc(w.gap(w.dur(m.gapMs)))}</p>` : "",
    `</header><main><h2>${esc(w.checks)}</h2>`,
    `<div class="grid">${m.checks.map((c) => card(c, w, locale, short, m.now)).join("\n")}</div>`,
    silences(m, w, short),
    outbox(m, w, short),
    `</main><footer><p>${esc(w.generated(formatTime(m.now), w.dur(m.refreshMs)))} ${esc(w.lateStatic)}</p></footer>`,
  ];
  return [
    "<!DOCTYPE html>",
    `<html lang="${w.lang}"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta http-equiv="refresh" content="${Math.max(5, Math.round(m.refreshMs / 1000))}">`,
    `<title>${esc(m.title)} · ${esc(m.host)}</title><style>${STYLE}</style></head>`,
    `<body data-late-at="${lastEnd === undefined ? "" : lastEnd + m.lateAfterMs}">`,
    ...body,
    `<script>${LATE_SCRIPT}</script></body></html>`,
    "",
  ].join("\n");
}

type Short = (t: number) => string;

function card(c: CheckView, w: PageWords, locale: PageLocale, short: Short, now: number): string {
  const meta: string[] = [];
  if (c.status !== "ok" && c.status !== "pending") meta.push(w.streakFail(c.failStreak));
  else if (c.status === "ok") meta.push(w.streakOk(c.okStreak));
  if (c.since !== undefined) meta.push(`${w.since} ${short(c.since)}`);
  meta.push(c.incident ? w.step(c.step, c.steps) : w.noIncident);
  const marks: string[] = [];
  if (c.incident) {
    const cause = c.incident.cause ? localizeCause(c.incident.cause, locale) : w.noCause;
    marks.push(`${w.incidentOpen} ${short(c.incident.startedAt)} · ${w.cause}: ${cause}`);
    if (c.incident.restarts) marks.push(w.restarts(c.incident.restarts));
    if (c.incident.gaveUp) marks.push(w.gaveUp);
    if (c.incident.ack) marks.push(w.acked(short(c.incident.ack.at), c.incident.ack.note));
  }
  if (c.silence) marks.push(w.silenced(short(c.silence.until), c.silence.reason));
  if (c.flapShare !== undefined) marks.push(w.flapping(c.flapShare));
  if (c.heldByDepends) marks.push(w.heldDepends);
  if (c.warming) {
    const last = c.warming.loadMs === undefined ? undefined : w.dur(c.warming.loadMs);
    marks.push(w.warming(w.dur(now - c.warming.startedAt), last));
  }
  const incTitle = (i: IncidentView) => incidentText(i, w, locale, short, now);
  // The bar's tooltip is short (times and the cause's id): the list under the bars has the words.
  const barTitle = (i: IncidentView) => {
    const cause = /^([a-z_]+):/.exec(i.cause ?? "")?.[1] ?? i.cause?.slice(0, 40) ?? "";
    return `${short(i.start)} – ${i.end === undefined ? w.ongoing : short(i.end)} ${cause}`.trim();
  };
  const incidents = c.incidents.slice(0, MAX_INCIDENTS).map((i) => `<li>${esc(incTitle(i))}</li>`);
  if (c.incidents.length > MAX_INCIDENTS) incidents.push(`<li>${esc(w.more(c.incidents.length - MAX_INCIDENTS))}</li>`);
  const sparks = c.sparks.map((s) => spark(s, w)).filter((x) => x);
  return [
    `<section class="card s-${c.status}"><h3><span class="badge b-${c.status}">${esc(w.status[c.status])}</span> `,
    `<span class="name">${esc(c.name)}</span></h3>`,
    c.summary ? `<p class="sum">${esc(c.summary)}</p>` : "",
    `<p class="meta">${esc(meta.join(" · "))}</p>`,
    marks.length ? `<ul class="marks">${marks.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>` : "",
    `<div class="tls"><div><span>${esc(w.day)}</span>${timelineSvg(c.day, `${c.name} ${w.day}`, barTitle)}</div>`,
    `<div><span>${esc(w.week)}</span>${timelineSvg(c.week, `${c.name} ${w.week}`, barTitle)}</div></div>`,
    incidents.length
      ? `<p class="ih">${esc(`${w.incidents} (${w.week})`)}</p><ul class="inc">${incidents.join("")}</ul>`
      : "",
    sparks.length ? `<div class="sparks">${sparks.join("")}</div>` : "",
    "</section>",
  ].join("");
}

function incidentText(i: IncidentView, w: PageWords, locale: PageLocale, short: Short, now: number): string {
  const end = i.end === undefined ? w.ongoing : short(i.end);
  const len = w.dur((i.end ?? now) - i.start);
  const cause = i.cause ? localizeCause(i.cause, locale) : w.noCause;
  const peak = w.status[i.peak === "warning" ? "warning" : "critical"];
  const step = i.peakStep ? ` · ${w.peakStep(i.peakStep)}` : "";
  return `${short(i.start)} – ${end} (${len}) · ${peak}${step} · ${w.cause}: ${cause}`;
}

function spark(s: SparkView, w: PageWords): string {
  const ys = s.points.map((p) => p[1]);
  if (!ys.length) return "";
  const fmt = (v: number) => (Math.abs(v) >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10));
  const name = `${w.spark[s.kind] ?? s.kind}${s.gpu !== undefined ? ` GPU${s.gpu}` : ""}`;
  const caption = `${name} ${fmt(ys[ys.length - 1]!)} ${s.unit} (${fmt(Math.min(...ys))}–${fmt(Math.max(...ys))})`;
  return `<figure>${sparklineSvg(s, caption)}<figcaption>${esc(caption)}</figcaption></figure>`;
}

/** table renders a header and rows, every cell escaped. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const tr = (cells: readonly string[], tag: "th" | "td") =>
    `<tr>${cells.map((c) => `<${tag}>${esc(c)}</${tag}>`).join("")}</tr>`;
  return `<table>${tr(head, "th")}${rows.map((r) => tr(r, "td")).join("")}</table>`;
}

function silences(m: PageModel, w: PageWords, short: Short): string {
  const rows = m.silences.map((s) => [s.pattern, s.reason || "-", short(s.until), w.whoNotRecorded]);
  const acks = m.checks.flatMap((c) =>
    c.incident?.ack ? [`${c.name}: ${w.acked(short(c.incident.ack.at), c.incident.ack.note)}`] : [],
  );
  const list = rows.length
    ? table([w.colPattern, w.colReason, w.colUntil, w.colBy], rows)
    : `<p>${esc(w.noSilences)}</p>`;
  const ackList = acks.length ? `<ul>${acks.map((a) => `<li>${esc(a)}</li>`).join("")}</ul>` : "";
  return `<h2>${esc(w.silences)}</h2>${list}${ackList}`;
}

function outbox(m: PageModel, w: PageWords, short: Short): string {
  const out = [`<h2>${esc(w.outbox)}</h2><p>${esc(w.outboxLine(m.outbox.length, m.droppedTotal))}</p>`];
  if (m.outbox.length) {
    const rows = m.outbox
      .slice(0, 20)
      .map((e) => [
        e.channel,
        e.checks.join(", "),
        String(e.attempts),
        e.next <= m.now ? w.now : short(e.next),
        e.error ?? "-",
      ]);
    out.push(table([w.colChannel, w.colChecks, w.colAttempts, w.colNext, w.colError], rows));
  }
  if (m.dropped.length) {
    const items = m.dropped.map(
      (d) => `<li>${esc(`${short(d.at)} ${d.channel} (${d.checks.join(", ")}): ${d.why}`)}</li>`,
    );
    out.push(`<p class="ih">${esc(w.dropped)}</p><ul>${items.join("")}</ul>`);
  }
  return out.join("");
}
