/**
 * STYLE is the page's whole stylesheet (inline: nothing is loaded from outside). System fonts only; one column on a
 * phone, cards side by side on a wide screen. Status is never colour alone: every badge says its word.
 */
export const STYLE = `
:root{--ok:#1a7f37;--warning:#b58100;--critical:#cf222e;--unknown:#8250df;--none:#d0d7de;--fg:#1f2328;--mut:#59636e}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",
"Microsoft YaHei",sans-serif;color:var(--fg);background:#f6f8fa}
header,main,footer{max-width:1200px;margin:0 auto;padding:8px 14px}h1{margin:8px 0 0;font-size:1.5em}
h2{font-size:1.15em;margin:18px 0 8px}h3{margin:0 0 4px;font-size:1.05em;overflow-wrap:anywhere}
.host,.run,.counts,.meta,footer,.ih{color:var(--mut);margin:2px 0}.banner{background:var(--critical);color:#fff;
padding:8px 12px;border-radius:6px;font-weight:600}.note{background:#fff8c5;padding:6px 10px;border-radius:6px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
.card{background:#fff;border:1px solid #d0d7de;border-left:6px solid var(--none);border-radius:8px;padding:10px 12px;
min-width:0}.s-ok{border-left-color:var(--ok)}.s-warning{border-left-color:var(--warning)}
.s-critical{border-left-color:var(--critical)}.s-unknown{border-left-color:var(--unknown)}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;color:#fff;font-size:.8em;font-weight:700;
letter-spacing:.03em;background:var(--none);color:var(--fg)}.b-ok{background:var(--ok);color:#fff}
.b-warning{background:var(--warning);color:#fff}.b-critical{background:var(--critical);color:#fff}
.b-unknown{background:var(--unknown);color:#fff}.sum{margin:4px 0;overflow-wrap:anywhere}
.marks,.inc{margin:4px 0;padding-left:18px;overflow-wrap:anywhere}.inc{font-size:.9em}
.tls span{display:block;font-size:.8em;color:var(--mut)}.tl{display:block;width:100%;height:18px}
.f-ok{fill:var(--ok)}.f-warning{fill:var(--warning)}.f-critical{fill:var(--critical)}.f-unknown{fill:var(--unknown)}
.f-none,.f-pending{fill:var(--none)}.f-inc{fill:#24292f}
.sparks{display:flex;flex-wrap:wrap;gap:8px}figure{margin:4px 0;flex:1 1 140px}
.sp{display:block;width:100%;height:28px}.sp polyline{fill:none;stroke:#0969da;stroke-width:1.5;
vector-effect:non-scaling-stroke}figcaption{font-size:.8em;color:var(--mut)}
table{border-collapse:collapse;max-width:100%;font-size:.9em;display:block;overflow-x:auto}
th,td{background:#fff;border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
@media (max-width:600px){body{font-size:14px}.grid{grid-template-columns:1fr}}
`.replace(/\n/g, "");
