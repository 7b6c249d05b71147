/** table lays out rows in aligned columns; the last column is cut so each line fits `width`. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], width = 100): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (i < header.length - 1 ? displayWidth(r[i] ?? "") : 0))));
  return all
    .map((r) => {
      const cells = r.map((c, i) => (i < header.length - 1 ? c + " ".repeat(Math.max(0, widths[i]! - displayWidth(c))) : c));
      const line = cells.join("  ");
      return displayWidth(line) > width ? `${cut(line, width - 1)}…${/\u001b\[/.test(line) ? "\u001b[0m" : ""}` : line;
    })
    .join("\n");
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** displayWidth counts East Asian wide characters as two columns and colour codes as none. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s.replace(ANSI, "")) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function cut(s: string, width: number): string {
  let out = "";
  let w = 0;
  // Colour codes pass through whole and take no room.
  for (const part of s.split(/(\u001b\[[0-9;]*m)/)) {
    if (part.startsWith("\u001b[")) {
      out += part;
      continue;
    }
    for (const ch of part) {
      const cw = displayWidth(ch);
      if (w + cw > width) return out;
      out += ch;
      w += cw;
    }
  }
  return out;
}

/** paint colours text only on a TTY. */
export function paint(text: string, color: "red" | "yellow" | "green" | "grey" | "bold", tty: boolean): string {
  if (!tty) return text;
  const code = { red: 31, yellow: 33, green: 32, grey: 90, bold: 1 }[color];
  return `\u001b[${code}m${text}\u001b[0m`;
}
