/** table lays out rows in aligned columns; the last column is cut so each line fits `width`. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], width = 100): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.slice(0, -0 || undefined).map((r) => (i < header.length - 1 ? displayWidth(r[i] ?? "") : 0))));
  return all
    .map((r) => {
      const cells = r.map((c, i) => (i < header.length - 1 ? c + " ".repeat(Math.max(0, widths[i]! - displayWidth(c))) : c));
      const line = cells.join("  ");
      return displayWidth(line) > width ? `${cut(line, width - 1)}…` : line;
    })
    .join("\n");
}

/** displayWidth counts East Asian wide characters as two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function cut(s: string, width: number): string {
  let out = "";
  for (const ch of s) {
    if (displayWidth(out + ch) > width) break;
    out += ch;
  }
  return out;
}

/** paint colours text only on a TTY. */
export function paint(text: string, color: "red" | "yellow" | "green" | "grey" | "bold", tty: boolean): string {
  if (!tty) return text;
  const code = { red: 31, yellow: 33, green: 32, grey: 90, bold: 1 }[color];
  return `\u001b[${code}m${text}\u001b[0m`;
}
