import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../core/package-root';

const ROOT = join(__dirname, '..', '..');

describe('packageRoot', () => {
  it('is the folder of the package.json named kpufit, from the sources and from the built CLI alike', () => {
    expect(packageRoot(join(ROOT, 'calibration', 'local'))).toBe(ROOT);
    expect(packageRoot(join(ROOT, 'calibration', 'opensearch'))).toBe(ROOT);
    expect(packageRoot(join(ROOT, 'dist'))).toBe(ROOT);
    expect(packageRoot(ROOT)).toBe(ROOT);
  });

  it('says which package it looked for when there is none above', () => {
    const outside = mkdtempSync(join(tmpdir(), 'kpufit-root-'));
    expect(() => packageRoot(outside)).toThrow(`no package.json named kpufit above ${outside}`);
  });
});
