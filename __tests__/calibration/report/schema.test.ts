import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReport, readReportFile } from '../../../calibration/report';
import { ValidationError } from '../../../core/validation';
import { reportFixture } from './report-fixture';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('report.json schema', () => {
  it('accepts the docs/json-shapes.md shape with the extras, keeping unknown keys', () => {
    const r = { ...reportFixture(), futureField: { x: 1 } };
    expect(parseReport(r)).toBe(r);
    const minimal = reportFixture();
    delete minimal.timeline;
    delete minimal.builtInAutoscaling;
    delete minimal.pricing;
    expect(() => parseReport(minimal)).not.toThrow();
  });

  it('names the JSON path of every problem', () => {
    const r = reportFixture() as unknown as Record<string, unknown>;
    r.schemaVersion = 2;
    r.verdict = 'maybe';
    (r.trials as Array<Record<string, unknown>>)[1].verdict = 'ok';
    (r.trials as Array<Record<string, unknown>>)[2].parallelism = 0;
    delete r.streamAdvice;
    const lines = problems(() => parseReport(r));
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^schemaVersion: /),
      expect.stringMatching(/^verdict: .*recommended/),
      expect.stringMatching(/^trials\[1\]\.verdict: /),
      expect.stringMatching(/^trials\[2\]\.parallelism: /),
      expect.stringMatching(/^streamAdvice: /),
    ]));
  });

  it('reports a missing file and broken JSON in one line naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpufit-schema-'));
    await expect(readReportFile(join(dir, 'nope.json'))).rejects.toMatchObject({ problems: ['file not found'], source: join(dir, 'nope.json') });
    writeFileSync(join(dir, 'broken.json'), '{"schemaVersion": 1,');
    await expect(readReportFile(join(dir, 'broken.json'))).rejects.toMatchObject({ problems: [expect.stringMatching(/^not valid JSON: /)] });
  });
});
