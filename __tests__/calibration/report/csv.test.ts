import { renderTrialsCsv } from '../../../calibration/report';
import { csvField } from '../../../calibration/report/csv';
import { reportFixture } from './report-fixture';

/** A strict RFC 4180 reader, to check the file parses back to the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  return rows;
}

describe('trials.csv', () => {
  it('has a header and one CRLF-terminated row per trial', () => {
    const csv = renderTrialsCsv(reportFixture());
    const rows = parseCsv(csv);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(rows).toHaveLength(4);
    expect(rows[0].slice(0, 8)).toEqual(['trial', 'parallelism', 'parallelismPerKpu', 'kpus', 'startSecond', 'durationSeconds', 'maxLagMs', 'lagSlope']);
    expect(rows.every((r) => r.length === rows[0].length)).toBe(true);
    const second = Object.fromEntries(rows[0].map((h, i) => [h, rows[2][i]]));
    expect(second).toMatchObject({ trial: '2', parallelism: '8', parallelismPerKpu: '4', kpus: '2', maxLagMs: '52000', lagSlope: '-0.21', estimateMethod: 'catch-up', verdict: 'pass', reason: 'caught up in 290 s, lag under SLO' });
  });

  it("adds the evaluator's once-RUNNING lag figures after the documented columns, which keep their places", () => {
    const rows = parseCsv(renderTrialsCsv(reportFixture()));
    expect(rows[0]).toEqual([
      'trial', 'parallelism', 'parallelismPerKpu', 'kpus', 'startSecond', 'durationSeconds', 'maxLagMs', 'lagSlope', 'estimatedCapacityRecordsPerSecond',
      'estimateMethod', 'cpuUtilization', 'heapUtilization', 'fullRestarts', 'maxBusyTimeMsPerSecond', 'updateDowntimeSeconds', 'verdict', 'reason',
      'runningMaxLagMs', 'runningLagSlope',
    ]);
    expect(rows[2].slice(-2)).toEqual(['46500', '-0.2542']);
    expect(rows[1].slice(-2)).toEqual(['', '']);
  });

  it('quotes fields with commas, quotes and line breaks, and round-trips them', () => {
    const r = reportFixture();
    r.trials[0].reason = 'lag grows, "fast"\r\nsee trial 2';
    const rows = parseCsv(renderTrialsCsv(r));
    expect(rows[1][rows[0].indexOf('reason')]).toBe('lag grows, "fast"\r\nsee trial 2');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField(undefined)).toBe('');
  });
});
