/** The README's "See your results" shows exactly the queries the workgroup saves, so the two cannot drift. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANALYTICS_QUERIES } from '../../../stacks/analytics-queries';

describe('README: See your results', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## See your results'));

  it('has the section', () => {
    expect(readme).toContain('## See your results');
  });

  it.each(ANALYTICS_QUERIES.map((q) => [`${q.workload}-${q.id}`, q] as const))('shows the saved query %s verbatim', (name, q) => {
    expect(section).toContain(`**${name}**: ${q.description}`);
    expect(section).toContain(q.sql('kpufit_dev_analytics'));
  });
});
