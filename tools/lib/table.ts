/**
 * A plain-text table for a terminal: columns as wide as their widest cell, two spaces apart; the
 * first `leftColumns` aligned left (names), the rest right (figures). Used by `npm run metrics` and
 * `npm run bench`.
 */
export function textTable(header: string[], rows: string[][], leftColumns = 1): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
