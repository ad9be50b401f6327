/** Reads what the job's file sinks committed: `part-*.jsonl` files (in-progress files are hidden). */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface CommittedLine {
  /** The folder under the workload, e.g. `pickup_hotspots/dt=2026-01-15/hour=08`. */
  partition: string;
  json: Record<string, unknown>;
}

function partFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...partFiles(path));
    else if (entry.name.startsWith('part-') && entry.name.endsWith('.jsonl')) files.push(path);
  }
  return files;
}

export function committedLines(workloadDir: string): CommittedLine[] {
  const lines: CommittedLine[] = [];
  for (const file of partFiles(workloadDir)) {
    const partition = relative(workloadDir, join(file, '..'));
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (text.trim()) lines.push({ partition, json: JSON.parse(text) as Record<string, unknown> });
    }
  }
  return lines;
}

/** Line counts per category folder (`pickup_hotspots`, `alerts`, `malformed`, ...). */
export function countByCategory(lines: CommittedLine[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of lines) {
    const category = l.partition.split(/[\\/]/)[0];
    counts[category] = (counts[category] ?? 0) + 1;
  }
  return counts;
}
