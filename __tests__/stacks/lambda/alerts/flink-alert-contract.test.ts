/**
 * The handler reads the alert lines the Flink job writes to the alerts stream. This reads the job's
 * sources (the `Json.object()...put(...)` chain that ends in `new OutputLine("alerts", ...)`) and checks
 * each workload's alert line carries a field the handler takes every required value from.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIELD_SOURCES } from '../../../../stacks/lambda/alerts/alert';

const workloadsDir = path.join(__dirname, '../../../../flink-app/src/main/java/dev/kpufit/flink/workloads');

/** Field names of every JSON object the file builds and writes as an alert line. */
function alertLineFields(file: string): string[][] {
  const java = fs.readFileSync(path.join(workloadsDir, file), 'utf8');
  const sink = 'new OutputLine("alerts"';
  return java.split('Json.object()').slice(1)
    .map((chunk) => chunk.slice(0, chunk.indexOf('new OutputLine(') < 0 ? 0 : chunk.indexOf('new OutputLine(') + sink.length))
    .filter((built) => built.endsWith(sink))
    .map((built) => [...built.matchAll(/\.put\("([a-z_]+)"/g)].map((m) => m[1]));
}

describe.each([['iot', 'IotPipeline.java'], ['taxi', 'TaxiPipeline.java']])('the %s alert line', (_workload, file) => {
  const lines = alertLineFields(file);

  it('is found in the job sources', () => {
    expect(lines.length).toBeGreaterThanOrEqual(1);
  });

  it.each(Object.entries(FIELD_SOURCES))('carries %s (as one of its accepted names)', (_field, names) => {
    for (const fields of lines) expect(names.some((n) => fields.includes(n))).toBe(true);
  });

  it('carries workload and threshold', () => {
    for (const fields of lines) expect(fields).toEqual(expect.arrayContaining(['workload', 'threshold']));
  });
});
