/** Number, money and duration formats shared by report.md, report.html and the CLI summary. */

export function formatNumber(n: number, fractionDigits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
}

export function formatUsd(n: number): string {
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: n < 1 ? 4 : 2 })}`;
}

/** 0 -> "0 s", 95 -> "1 min 35 s", 7260 -> "2 h 1 min". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const minutes = Math.round((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

/** Lag in the unit a reader thinks in: ms below a second, seconds below ten minutes, then minutes. */
export function formatLag(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 600_000) return `${formatNumber(ms / 1000, 1)} s`;
  return `${formatNumber(ms / 60_000, 1)} min`;
}

export function formatConfiguration(c: { parallelism: number; parallelismPerKpu: number; kpus: number }): string {
  return `Parallelism ${c.parallelism}, ParallelismPerKPU ${c.parallelismPerKpu} (${c.kpus} KPU${c.kpus === 1 ? '' : 's'})`;
}
