import { renderHtml } from '../../../calibration/report';
import { chartSpecs } from '../../../calibration/report/html';
import { niceStep, renderLineChart } from '../../../calibration/report/svg-chart';
import { reportFixture } from './report-fixture';

describe('report.html', () => {
  const html = renderHtml(reportFixture());

  it('is one self-contained document: inline style, no script, nothing fetched from the network', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)=/i);
  });

  it('charts millisBehindLatest, offered vs consumed throughput and KPUs over time', () => {
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(3);
    expect(svgs[0]).toContain('millisBehindLatest');
    expect(svgs[0]).toContain('SLO 60 s');
    expect(svgs[1]).toContain('offered');
    expect(svgs[1]).toContain('consumed (numRecordsInPerSecond)');
    expect(svgs[2]).toContain('KPUs');
  });

  it('marks every trial boundary on every chart', () => {
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) {
      expect(svg.match(/class="marker"/g)).toHaveLength(3);
      expect(svg).toContain('T1 1/1');
      expect(svg).toContain('T2 8/4');
      expect(svg).toContain('T3 4/4');
    }
  });

  it('plots the timeline points in minutes, leaving a gap where no datapoint exists', () => {
    const r = reportFixture();
    const [lag, , kpus] = chartSpecs(r);
    expect(lag.series[0].points[7]).toEqual({ x: 7, y: r.timeline![7].millisBehindLatest! / 1000 });
    expect(lag.series[0].points[10].y).toBeNull(); // UPDATING at minute 10
    expect(kpus.series[0].step).toBe(true);
    const path = /<path d="([^"]+)"[^>]*stroke="#d62728"/.exec(renderLineChart(lag))![1];
    expect(path.match(/M/g)!.length).toBeGreaterThanOrEqual(3); // one segment per stretch of data
  });

  it('says so instead of drawing empty charts when no timeline was recorded', () => {
    const r = reportFixture();
    delete r.timeline;
    const out = renderHtml(r);
    expect(out).not.toContain('<svg');
    expect(out).toContain('This run recorded no timeline.');
  });

  it('escapes every piece of text that came from input', () => {
    const r = reportFixture();
    r.application = '<script>alert(1)</script>';
    r.trials[0].reason = '"><img onerror=x>';
    const out = renderHtml(r);
    expect(out).not.toContain('<script>alert');
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&quot;&gt;&lt;img onerror=x&gt;');
  });

  it('shows the verdict, the trials with their verdict classes, the comparison and how to apply', () => {
    expect(html).toContain('<div class="verdict recommended" id="verdict">');
    expect(html).toMatch(/<td class="fail">fail<\/td>[\s\S]*<td class="pass">pass<\/td>/);
    expect(html).toContain('Built-in autoscaling on the same load');
    expect(html).toContain('&quot;parallelismPerKpu&quot;: 4');
    expect(html).toContain('--current-application-version-id &quot;$VERSION&quot;');
  });
});

describe('chart axes', () => {
  it('uses 1, 2 or 5 times a power of ten as the tick step', () => {
    expect(niceStep(100)).toBe(20);
    expect(niceStep(7)).toBe(2);
    expect(niceStep(0.9)).toBe(0.2);
    expect(niceStep(40, 8)).toBe(5);
    expect(niceStep(0)).toBe(1);
  });
});
