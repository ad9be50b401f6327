/**
 * report.html in a real browser: headless Chromium (Debian's `chromium`, installed by .ci/run) renders
 * the file offline and the screenshot must show the three charts' series colours. Mandatory when CI=true;
 * on a developer machine without Chromium it is skipped with a loud warning.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReportFiles } from '../../../calibration/report';
import { countColor, decodePng } from './png';
import { reportFixture } from './report-fixture';

function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return null;
}

const chromium = findChromium();
const required = process.env.CI === 'true';
if (!chromium && !required) {
  console.warn(
    '\n!!! report.html screenshot test SKIPPED: headless Chromium not found. Install it (apt-get install -y chromium); ' +
      'CI installs it and runs this test.\n',
  );
}
const maybe = chromium || required ? describe : describe.skip;

maybe('report.html in headless Chromium', () => {
  it('opens offline and shows the lag, throughput and KPU charts', async () => {
    expect(chromium).not.toBeNull(); // CI=true: Chromium is mandatory
    const dir = mkdtempSync(join(tmpdir(), 'kpufit-shot-'));
    await writeReportFiles(dir, reportFixture());
    const shot = join(dir, 'report.png');
    const run = spawnSync(
      chromium!,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--no-first-run',
        // Offline: any network request would fail here and leave a gap in the page.
        '--proxy-server=127.0.0.1:9', '--proxy-bypass-list=<-loopback>',
        '--window-size=1100,2400', `--screenshot=${shot}`, `file://${join(dir, 'report.html')}`],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: dir } },
    );
    expect({ status: run.status, exists: existsSync(shot) }).toEqual({ status: 0, exists: true });

    const img = decodePng(readFileSync(shot));
    expect(img.width).toBe(1100);
    expect(img.height).toBe(2400);
    // Each series colour is drawn only by its chart line and legend swatch: hundreds of pixels mean the
    // charts rendered (a blank or broken page has none).
    expect(countColor(img, '#d62728')).toBeGreaterThan(300); // millisBehindLatest
    expect(countColor(img, '#ff7f0e')).toBeGreaterThan(300); // consumed
    expect(countColor(img, '#1f77b4')).toBeGreaterThan(300); // offered
    expect(countColor(img, '#2ca02c')).toBeGreaterThan(300); // KPUs
    expect(countColor(img, '#8b5cf6', 40)).toBeGreaterThan(100); // trial markers
  });
});
