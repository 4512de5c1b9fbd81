/** Plain-text tables, a CPU clock and the small statistics every bench prints; no dependency. */

/**
 * This process's CPU time in seconds (user + system). On a shared machine a run can be descheduled
 * for whole milliseconds; wall time would count that against whichever side was unlucky, CPU time
 * does not. (Background GC threads are included: their work is part of the cost.)
 */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Millions with two decimals (events/s, decisions/s). */
export function millions(n: number): string {
  return `${(n / 1e6).toFixed(2)}M`;
}

export function ratio(n: number): string {
  return `${(n * 100).toFixed(0)} %`;
}

/** Prints a title, a header row and rows, columns padded to their widest cell; numbers right-aligned. */
export function printTable(title: string, header: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = (cell: string) => /^[-+]?[0-9.,]+\s*(M|%|ns|B|×|s|ms)?$/.test(cell.trim());
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric(c) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
