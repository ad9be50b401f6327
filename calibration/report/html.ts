/**
 * report.html: one self-contained page (inline CSS and SVG, no script, no network) with the answer, the
 * charts of millisBehindLatest, throughput and KPUs over the calibration with each trial's start marked,
 * and the tables of report.md.
 */
import type { CalibrationReport } from '../report-types';
import { escapeHtml } from './escape-html';
import {
  applyInstructions, autoscalingTable, AUTOSCALING_INTRO, calibrationSummary, costTable, overviewTable, streamAdvice, type Table,
  title, trialsTable, TRIALS_HEADER, TRIALS_NOTE, verdictLines, VERDICT_TITLES,
} from './sections';
import { renderLineChart, type ChartSpec } from './svg-chart';

const STYLE = `
body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d2430; margin: 24px auto; max-width: 1000px; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 8px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #d8dde6; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; width: 100%; font-size: 13px; }
th, td { border: 1px solid #d8dde6; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f2f4f8; } tr.strong td { font-weight: 600; }
pre { background: #f5f6f8; border: 1px solid #d8dde6; padding: 10px; overflow-x: auto; font-size: 12px; }
.verdict { padding: 10px 14px; border-radius: 6px; margin: 8px 0; }
.verdict.recommended { background: #e7f6ec; border: 1px solid #7cc596; }
.verdict.other { background: #fdf1e4; border: 1px solid #e0a867; }
.pass { color: #17803d; font-weight: 600; } .fail { color: #b42318; font-weight: 600; } .inconclusive { color: #9a6700; font-weight: 600; }
.chart { display: block; margin: 6px 0 14px; max-width: 100%; height: auto; background: #fff; }
.chart-title { font-size: 14px; font-weight: 600; fill: #1d2430; }
.grid { stroke: #e6e9ef; stroke-width: 1; } .axis { stroke: #7a8494; stroke-width: 1; }
.tick, .legend, .axis-label { font-size: 11px; fill: #4a5568; } .legend { fill: #1d2430; }
.marker { stroke: #8b5cf6; stroke-width: 1; stroke-dasharray: 3 3; } .marker-label { font-size: 10px; fill: #6d28d9; }
.threshold { stroke-width: 1.5; stroke-dasharray: 8 4; }
.muted { color: #5b6576; }
`;

function renderTable(t: Table, cellClass?: (col: number, value: string) => string | undefined): string {
  const head = `<tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = t.rows
    .map((cells, i) => {
      const tds = cells.map((c, col) => {
        const cls = cellClass?.(col, c);
        return `<td${cls ? ` class="${escapeHtml(cls)}"` : ''}>${escapeHtml(c)}</td>`;
      });
      return `<tr${t.strongRows?.includes(i) ? ' class="strong"' : ''}>${tds.join('')}</tr>`;
    })
    .join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** The three charts, or a note when the run recorded no timeline. */
export function chartSpecs(r: CalibrationReport): ChartSpec[] {
  const timeline = r.timeline ?? [];
  if (timeline.length === 0) return [];
  const minutes = (second: number) => second / 60;
  const markers = r.trials.map((t, i) => ({ x: minutes(t.startSecond), label: `T${i + 1} ${t.parallelism}/${t.parallelismPerKpu}` }));
  const xLabel = `minutes since the calibration started (${r.target === 'twin' ? 'simulated' : r.target === 'local' ? 'compressed' : 'wall-clock'})`;
  return [
    {
      title: 'millisBehindLatest (Maximum per minute)',
      xLabel,
      yLabel: 'lag, seconds',
      series: [{ label: 'millisBehindLatest', color: '#d62728', points: timeline.map((p) => ({ x: minutes(p.second), y: p.millisBehindLatest === null ? null : p.millisBehindLatest / 1000 })) }],
      thresholds: [{ y: r.slo.maxLagMs / 1000, label: `SLO ${r.slo.maxLagMs / 1000} s`, color: '#2b7a0b' }],
      markers,
    },
    {
      title: 'Throughput: offered vs consumed',
      xLabel,
      yLabel: 'records/s',
      series: [
        { label: 'offered', color: '#1f77b4', dashed: true, points: timeline.map((p) => ({ x: minutes(p.second), y: p.offeredRecordsPerSecond })) },
        { label: 'consumed (numRecordsInPerSecond)', color: '#ff7f0e', points: timeline.map((p) => ({ x: minutes(p.second), y: p.recordsInPerSecond })) },
      ],
      markers,
    },
    {
      title: 'KPUs (application, without the orchestration KPU)',
      xLabel,
      yLabel: 'KPUs',
      series: [{ label: 'KPUs', color: '#2ca02c', step: true, points: timeline.map((p) => ({ x: minutes(p.second), y: p.kpus })) }],
      markers,
    },
  ];
}

export function renderHtml(r: CalibrationReport): string {
  const verdict = verdictLines(r);
  const parts: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title(r))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title(r))}</h1>`,
    renderTable(overviewTable(r)),
  ];
  if (r.generatedAt) parts.push(`<p class="muted">Generated ${escapeHtml(r.generatedAt)}.</p>`);

  parts.push(`<div class="verdict ${r.verdict === 'recommended' ? 'recommended' : 'other'}" id="verdict">`, `<strong>${escapeHtml(VERDICT_TITLES[r.verdict])}</strong>`);
  if (verdict.headline) parts.push(`<p>${escapeHtml(verdict.headline)}</p>`);
  for (const d of verdict.details) parts.push(`<p>${escapeHtml(d)}</p>`);
  parts.push('</div>');

  const cost = costTable(r);
  if (cost) {
    parts.push('<h2>Cost</h2>', renderTable(cost.table));
    if (cost.note) parts.push(`<p class="muted">${escapeHtml(cost.note)}</p>`);
  }

  const stream = streamAdvice(r);
  parts.push('<h2>Stream</h2>', `<p>${escapeHtml(stream.text)}</p>`);
  if (stream.command) parts.push(`<pre>${escapeHtml(stream.command)}</pre>`);

  parts.push('<h2>Over time</h2>');
  const charts = chartSpecs(r);
  if (charts.length) {
    parts.push('<p class="muted">Dashed violet lines mark where each trial started (Tn Parallelism/ParallelismPerKPU); gaps are minutes without a datapoint (the job was restarting).</p>');
    parts.push(...charts.map(renderLineChart));
  } else {
    parts.push('<p class="muted">This run recorded no timeline.</p>');
  }

  parts.push('<h2>Trials</h2>');
  const verdictColumn = TRIALS_HEADER.indexOf('Verdict');
  parts.push(r.trials.length ? renderTable(trialsTable(r), (col, v) => (col === verdictColumn ? v : undefined)) : '<p>No trial ran.</p>');
  if (r.trials.length) parts.push(`<p class="muted">${escapeHtml(TRIALS_NOTE)}</p>`);
  parts.push(`<p>${escapeHtml(calibrationSummary(r))}</p>`);

  const auto = autoscalingTable(r);
  if (auto) parts.push('<h2>Built-in autoscaling on the same load</h2>', `<p>${escapeHtml(AUTOSCALING_INTRO)}</p>`, renderTable(auto));

  const apply = applyInstructions(r);
  parts.push('<h2>Apply</h2>');
  if (apply) {
    parts.push(
      "<p>In the stack's <code>config/&lt;env&gt;.json</code> (then <code>cdktf deploy</code>):</p>",
      `<pre>${escapeHtml(apply.configJson)}</pre>`,
      `<p class="muted">${escapeHtml(apply.configNote)}</p>`,
      '<p>Or on the running application at once:</p>',
      `<pre>${escapeHtml(apply.cliCommand)}</pre>`,
    );
  } else {
    parts.push('<p>There is no configuration to apply: see the verdict above.</p>');
  }
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
}
