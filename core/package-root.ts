/**
 * The kpufit package's root directory, found by walking up to its package.json. Files the CLI reads at run
 * time (the Dashboards saved objects, the Flink job's jar, kinesis-local) are located from here rather than
 * from `__dirname`, which is the source folder under tsx but `dist/` in the built CLI.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'kpufit';

export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // not a readable manifest: keep walking up
      }
    }
    if (dirname(dir) === dir) throw new Error(`no package.json named ${PACKAGE_NAME} above ${from}`);
  }
}
