/**
 * Line charts as inline SVG strings: no script, no network, so report.html renders the same in any
 * browser, offline, in print and in a headless screenshot. Null values leave a gap (no datapoint, e.g.
 * while the application was UPDATING), which is itself evidence worth seeing.
 */
import { escapeHtml } from './escape-html';

export interface ChartSeries {
  label: string;
  color: string;
  points: Array<{ x: number; y: number | null }>;
  /** Hold each value until the next point (configuration changes are steps, not slopes). */
  step?: boolean;
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Vertical markers, e.g. where each trial starts. */
  markers?: Array<{ x: number; label: string }>;
  /** Horizontal reference lines, e.g. the SLO. */
  thresholds?: Array<{ y: number; label: string; color: string }>;
  width?: number;
  height?: number;
}

const MARGIN = { top: 34, right: 20, bottom: 44, left: 70 };

/** A "nice" tick step (1, 2 or 5 x 10^n) giving about `target` ticks over `range`. */
export function niceStep(range: number, target = 5): number {
  if (!(range > 0)) return 1;
  const raw = range / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const nice = residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1;
  return nice * magnitude;
}

function tickLabel(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

function fmt(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

export function renderLineChart(spec: ChartSpec): string {
  const width = spec.width ?? 960;
  const height = spec.height ?? 260;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;

  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x)).concat((spec.markers ?? []).map((m) => m.x));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p.y).filter((y): y is number => y !== null));
  ys.push(...(spec.thresholds ?? []).map((t) => t.y));
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMaxRaw = xs.length ? Math.max(...xs) : 1;
  const xMax = xMaxRaw > xMin ? xMaxRaw : xMin + 1;
  const yStep = niceStep(Math.max(...ys, 0) || 1);
  const yMax = Math.max(yStep, Math.ceil((Math.max(...ys, 0) || 1) / yStep) * yStep);

  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - (y / yMax) * plotH;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(spec.title)}">`,
    `<title>${escapeHtml(spec.title)}</title>`,
    `<text x="${MARGIN.left}" y="20" class="chart-title">${escapeHtml(spec.title)}</text>`,
  );

  // Grid and axes.
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${fmt(sy(y))}" y2="${fmt(sy(y))}" class="grid"/>`,
      `<text x="${MARGIN.left - 6}" y="${fmt(sy(y) + 4)}" class="tick" text-anchor="end">${tickLabel(y)}</text>`,
    );
  }
  const xStep = niceStep(xMax - xMin, 8);
  for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax + 1e-9; x += xStep) {
    out.push(`<text x="${fmt(sx(x))}" y="${MARGIN.top + plotH + 16}" class="tick" text-anchor="middle">${tickLabel(x)}</text>`);
  }
  out.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" class="axis"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" class="axis"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 6}" class="axis-label" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" class="axis-label" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`,
  );

  for (const m of spec.markers ?? []) {
    out.push(
      `<line x1="${fmt(sx(m.x))}" x2="${fmt(sx(m.x))}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" class="marker"/>`,
      `<text x="${fmt(sx(m.x) + 3)}" y="${MARGIN.top + 10}" class="marker-label">${escapeHtml(m.label)}</text>`,
    );
  }
  for (const t of spec.thresholds ?? []) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${fmt(sy(t.y))}" y2="${fmt(sy(t.y))}" stroke="${escapeHtml(t.color)}" class="threshold"/>`,
      `<text x="${MARGIN.left + plotW - 4}" y="${fmt(sy(t.y) - 4)}" class="tick" text-anchor="end" fill="${escapeHtml(t.color)}">${escapeHtml(t.label)}</text>`,
    );
  }

  for (const s of spec.series) {
    const d = pathOf(s, sx, sy);
    if (d) {
      out.push(`<path d="${d}" fill="none" stroke="${escapeHtml(s.color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} class="series"><title>${escapeHtml(s.label)}</title></path>`);
    }
  }

  // Legend, top right.
  let lx = MARGIN.left + plotW;
  for (const s of [...spec.series].reverse()) {
    const w = 26 + s.label.length * 6.5;
    lx -= w;
    out.push(
      `<line x1="${fmt(lx)}" x2="${fmt(lx + 18)}" y1="16" y2="16" stroke="${escapeHtml(s.color)}" stroke-width="3"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${fmt(lx + 22)}" y="20" class="legend">${escapeHtml(s.label)}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

function pathOf(s: ChartSeries, sx: (x: number) => number, sy: (y: number) => number): string {
  const parts: string[] = [];
  let open = false;
  for (const p of s.points) {
    if (p.y === null) {
      open = false;
      continue;
    }
    if (!open) {
      parts.push(`M${fmt(sx(p.x))} ${fmt(sy(p.y))}`);
      open = true;
    } else {
      if (s.step) parts.push(`H${fmt(sx(p.x))} V${fmt(sy(p.y))}`);
      else parts.push(`L${fmt(sx(p.x))} ${fmt(sy(p.y))}`);
    }
  }
  return parts.join(' ');
}
