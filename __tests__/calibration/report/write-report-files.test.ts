import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReportFiles } from '../../../calibration/report';
import { writeFilesAtomically } from '../../../calibration/report/atomic-write';
import { reportFixture } from './report-fixture';

const tempDir = () => mkdtempSync(join(tmpdir(), 'kpufit-report-'));

describe('writeReportFiles', () => {
  it('writes report.json (the report itself), report.md, report.html and trials.csv, creating the folder', async () => {
    const dir = join(tempDir(), 'nested', 'out');
    const report = reportFixture();
    const written = await writeReportFiles(dir, report);
    expect(written).toEqual(['report.json', 'report.md', 'report.html', 'trials.csv'].map((f) => join(dir, f)));
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json', 'report.md', 'trials.csv']);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(report);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('## Trials');
  });

  it('replaces an earlier report and leaves no temporary files behind', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'report.md'), 'old');
    await writeReportFiles(dir, reportFixture());
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).not.toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes nothing at all when one file cannot be written', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.txt'), 'old a');
    // A path under a regular file cannot be created: the second file fails after the first was staged.
    writeFileSync(join(dir, 'blocker'), '');
    await expect(writeFilesAtomically([
      { path: join(dir, 'a.txt'), content: 'new a' },
      { path: join(dir, 'blocker', 'b.txt'), content: 'b' },
    ])).rejects.toThrow();
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('old a');
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'blocker']);
  });
});
