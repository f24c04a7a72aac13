// Plain-text tables for terminals and logs: columns padded to their widest cell, numbers right-aligned.

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const w = widths[i] ?? 0;
        return c.align === 'right' ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n');
}

/** 1234567 -> "1234567"; null -> "-". Thousands separators would break copy-paste into queries. */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '-' : String(n);
}

/** Seconds with one decimal below 100 s, then whole seconds, then minutes/hours for long waits. */
export function formatSecondsShort(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '-';
  if (s < 100) return (Math.round(s * 10) / 10).toFixed(1);
  return String(Math.round(s));
}

/** "45 s", "3 min 20 s", "2 h 5 min": for elapsed times and ETAs. */
export function formatDurationHuman(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    const s = Math.round(seconds - m * 60);
    return s === 0 || s === 60 ? `${s === 60 ? m + 1 : m} min` : `${m} min ${s} s`;
  }
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds - h * 3600) / 60);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
