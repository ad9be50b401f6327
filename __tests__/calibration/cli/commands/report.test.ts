import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runReport } from '../../../../calibration/cli/commands/report';
import { ValidationError } from '../../../../core/validation';
import { reportFixture } from '../../report/report-fixture';

function sink() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c) => chunks.push(String(c)));
  return { stream, text: () => chunks.join('') };
}

function reportDir(report: unknown = reportFixture()): string {
  const dir = mkdtempSync(join(tmpdir(), 'kpufit-report-cmd-'));
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
  return dir;
}

describe('kpufit report', () => {
  it('--format md prints the Markdown report on stdout and writes nothing', async () => {
    const dir = reportDir();
    const out = sink();
    await runReport({ in: join(dir, 'report.json'), format: 'md' }, out.stream);
    expect(out.text()).toMatch(/^# kpufit right-sizing report: taxi-analytics/);
    expect(() => readFileSync(join(dir, 'report.md'))).toThrow();
  });

  it('--format html prints the self-contained page', async () => {
    const out = sink();
    await runReport({ in: join(reportDir(), 'report.json'), format: 'html' }, out.stream);
    expect(out.text()).toMatch(/^<!DOCTYPE html>[\s\S]*<svg/);
  });

  it('without --format rewrites report.md, report.html and trials.csv beside report.json', async () => {
    const dir = reportDir();
    const out = sink();
    const err = sink();
    await runReport({ in: join(dir, 'report.json') }, out.stream, err.stream);
    expect(out.text()).toBe('');
    expect(err.text()).toBe(['report.md', 'report.html', 'trials.csv'].map((f) => `wrote ${join(dir, f)}\n`).join(''));
    expect(readFileSync(join(dir, 'trials.csv'), 'utf8')).toMatch(/^trial,parallelism,/);
  });

  it('refuses an invalid report.json with a line per problem and writes nothing', async () => {
    const dir = reportDir({ ...reportFixture(), verdict: 'great', trials: 'none' });
    const err = await runReport({ in: join(dir, 'report.json') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual([expect.stringMatching(/^verdict: /), expect.stringMatching(/^trials: /)]);
    expect(() => readFileSync(join(dir, 'report.md'))).toThrow();
  });
});
