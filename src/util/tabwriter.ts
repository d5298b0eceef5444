// Go's text/tabwriter (flags 0, a space as padding character): cells end with '\t', lines with
// '\n'; the last cell of a line takes no part in the alignment. A column block is a run of
// consecutive lines that have a cell in that column; its width is the widest cell plus `padding`,
// at least `minWidth`. Cells are padded with spaces on the right (trailing spaces are kept, as Go keeps them).

export interface TabWriterOptions {
  minWidth: number;
  padding: number;
  /** default ' ' */
  padChar?: string;
}

/** Aligns `text` (all of it, as tabwriter.Flush does) and returns the result. */
export function tabwrite(text: string, opts: TabWriterOptions): string {
  if (text === '') return '';
  const lines = text.split('\n');
  const trailingNewline = lines[lines.length - 1] === '';
  if (trailingNewline) lines.pop();
  const cells = lines.map((l) => l.split('\t'));
  // text that does not end with a newline: a trailing empty cell is not a cell (Flush only ends a non-empty one)
  if (!trailingNewline && cells.length) {
    const last = cells[cells.length - 1]!;
    if (last.length > 1 && last[last.length - 1] === '') last.pop();
  }
  const pad = opts.padChar ?? ' ';
  const width = (s: string) => [...s].length;
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      const line = cells[i]!;
      let s = '';
      line.forEach((c, j) => {
        if (j < line.length - 1 && j < widths.length) s += c + pad.repeat(Math.max(0, widths[j]! - width(c)));
        else s += c;
      });
      out.push(s);
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= cells[t]!.length - 1) continue;
      writeLines(line0, t);
      line0 = t;
      let w = opts.minWidth;
      for (; t < line1; t++) {
        const line = cells[t]!;
        if (column >= line.length - 1) break;
        w = Math.max(w, width(line[column]!) + opts.padding);
      }
      widths.push(w);
      format(line0, t);
      widths.pop();
      line0 = t;
      t--; // the outer loop's t++ must look at line `t` again
    }
    writeLines(line0, line1);
  };
  format(0, cells.length);
  return out.join('\n') + (trailingNewline ? '\n' : '');
}
