/**
 * autoscale.html for `kpufit autoscale simulate --out DIR`: one self-contained page (inline SVG, no script)
 * with, for each policy run, its scores and its KPUs and lag over time, and the kpufit policy's decisions.
 */
import { escapeHtml } from '../report/escape-html';
import { renderLineChart } from '../report/svg-chart';
import type { AutoscaleSimulationResult, MinutePoint } from './simulate';

const STYLE = `
body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d2430; margin: 24px auto; max-width: 1000px; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #d8dde6; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; width: 100%; font-size: 13px; }
th, td { border: 1px solid #d8dde6; padding: 4px 6px; text-align: left; vertical-align: top; } th { background: #f2f4f8; }
.chart { display: block; margin: 6px 0 14px; max-width: 100%; height: auto; }
.chart-title { font-size: 14px; font-weight: 600; fill: #1d2430; }
.grid { stroke: #e6e9ef; stroke-width: 1; } .axis { stroke: #7a8494; stroke-width: 1; }
.tick, .legend, .axis-label { font-size: 11px; fill: #4a5568; } .legend { fill: #1d2430; }
.threshold { stroke-width: 1.5; stroke-dasharray: 8 4; }
`;

/** At most ~1500 points a chart: the maximum of each bucket of minutes (peaks of lag and KPUs stay visible). */
function downsample(points: MinutePoint[], pick: (p: MinutePoint) => number | null): Array<{ x: number; y: number | null }> {
  const bucket = Math.max(1, Math.ceil(points.length / 1500));
  const out: Array<{ x: number; y: number | null }> = [];
  for (let i = 0; i < points.length; i += bucket) {
    const values = points.slice(i, i + bucket).map(pick).filter((v): v is number => v !== null);
    out.push({ x: points[i].minute / 60, y: values.length > 0 ? Math.max(...values) : null });
  }
  return out;
}

export function renderAutoscaleHtml(results: AutoscaleSimulationResult[], maxLagMs: number): string {
  const name = results[0]?.scenario ?? '';
  const rows = results.map((r) => `<tr><td>${escapeHtml(r.policy)}</td><td>${r.days}</td><td>${r.kpuHours}</td><td>${r.costUsd.toFixed(2)}</td><td>${r.sloViolationMinutes}</td><td>${r.longestViolationMinutes}</td><td>${r.reconfigurations}</td><td>${r.downtimeMinutes}</td></tr>`);
  const parts = [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    `<title>kpufit autoscale simulate: ${escapeHtml(name)}</title>`, `<style>${STYLE}</style>`, '</head>', '<body>',
    `<h1>Autoscaling on the twin: ${escapeHtml(name)}</h1>`,
    '<table><thead><tr><th>policy</th><th>days</th><th>KPU-hours</th><th>cost $</th><th>SLO-violation minutes</th><th>longest violation</th><th>reconfigurations</th><th>downtime minutes</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody></table>`,
  ];
  for (const r of results) {
    const xLabel = 'hours (simulated)';
    parts.push(`<h2>${escapeHtml(r.policy)}</h2>`);
    parts.push(renderLineChart({
      title: `KPUs billed (${r.policy})`, xLabel, yLabel: 'KPUs',
      series: [{ label: 'KPUs (n + 1)', color: '#2ca02c', step: true, points: downsample(r.timeline, (p) => p.kpus) }],
    }));
    parts.push(renderLineChart({
      title: `millisBehindLatest, Maximum per minute (${r.policy})`, xLabel, yLabel: 'lag, seconds',
      series: [{ label: 'lag', color: '#d62728', points: downsample(r.timeline, (p) => (p.lagMs === null ? null : p.lagMs / 1000)) }],
      thresholds: [{ y: maxLagMs / 1000, label: `SLO ${maxLagMs / 1000} s`, color: '#2b7a0b' }],
    }));
    parts.push(renderLineChart({
      title: 'Offered load', xLabel, yLabel: 'records/s',
      series: [{ label: 'offered', color: '#1f77b4', points: downsample(r.timeline, (p) => p.inputRecordsPerSecond) }],
    }));
    if (r.decisions.length > 0) {
      parts.push('<table><thead><tr><th>minute</th><th>outcome</th><th>target P/K</th><th>reason</th></tr></thead><tbody>');
      for (const d of r.decisions) {
        parts.push(`<tr><td>${d.minute}</td><td>${escapeHtml(d.outcome)}</td><td>${d.target ? `${d.target.parallelism}/${d.target.parallelismPerKpu}` : ''}</td><td>${escapeHtml(d.reason)}</td></tr>`);
      }
      parts.push('</tbody></table>');
    }
  }
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}
