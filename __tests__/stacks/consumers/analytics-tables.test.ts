/**
 * The Glue tables must describe what the Flink job really writes. This reads the job's sources (the
 * `.put("field", ...)` calls that build each JSON line and the `new OutputLine("category", ...)` folders)
 * and fails when the job writes a field or a folder the tables do not know.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PARTITION_KEYS, WORKLOAD_TABLES, WORKLOADS, Workload } from '../../../stacks/analytics-tables';

const workloadsDir = path.join(__dirname, '../../../flink-app/src/main/java/dev/kpufit/flink/workloads');
const pipelineFile: Record<Workload, string> = {
  taxi: 'TaxiPipeline.java', iot: 'IotPipeline.java', clickstream: 'ClickstreamPipeline.java',
};

const source = (file: string) => fs.readFileSync(path.join(workloadsDir, file), 'utf8');
const fieldsWritten = (java: string) => [...java.matchAll(/\.(?:put|putObject)\("([a-z_]+)"/g)].map((m) => m[1]);
const foldersWritten = (java: string) => [...java.matchAll(/new OutputLine\("([a-z_]+)"/g)].map((m) => m[1]);

describe('analytics tables match the Flink job output', () => {
  const head = fieldsWritten(source('Windows.java'));

  it('reads the job sources it checks against', () => {
    expect(head).toEqual(['workload', 'metric', 'window_start', 'window_end']);
  });

  describe.each(WORKLOADS.map((w) => [w]))('%s', (workload) => {
    const java = source(pipelineFile[workload]);
    const table = WORKLOAD_TABLES[workload];
    const columns = table.columns.map((c) => c.name);

    it('has a column for every field the job writes', () => {
      const written = [...new Set([...head, ...fieldsWritten(java)])];
      expect(written.length).toBeGreaterThan(4);
      expect(written.filter((f) => !columns.includes(f))).toEqual([]);
    });

    it('lists every folder the job writes as a category', () => {
      const folders = [...new Set(foldersWritten(java))];
      expect(folders.length).toBeGreaterThan(0);
      expect([...folders].sort()).toEqual([...table.categories].sort());
    });

    it('has no duplicate column and no column named like a partition key', () => {
      expect(new Set(columns).size).toBe(columns.length);
      expect(columns.filter((c) => PARTITION_KEYS.some((k) => k.name === c))).toEqual([]);
    });
  });
});
