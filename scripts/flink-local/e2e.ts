/**
 * The automated local end-to-end run (part of `npm test`): for each workload, kinesis-local + the Flink job
 * from the shaded jar, fed by the load generator's events; checks that event-time windows are committed as
 * partitioned JSON lines, malformed records reach errors/ and the malformedRecords metric, alerts reach the
 * Kinesis alerts stream, and the source's millisBehindLatest is readable from the Flink REST API. For IoT it then
 * stops the job with a savepoint, builds up a backlog, restores at another parallelism and checks that no record
 * is late across the rescale (watermarks are per shard) and no window is written twice.
 */
import { join, resolve } from 'node:path';
import type { WorkloadName } from '../../simulator/workloads';
import { waitUntil } from '../../calibration/local/free-port';
import { feed } from './feeder';
import { counter, millisBehindLatest } from '../../calibration/local/flink-rest';
import { readAll } from '../../calibration/local/kinesis-local';
import { assertJarBuilt } from '../../calibration/local/local-job';
import { committedLines, countByCategory } from './results';
import { withLocalPipeline, type Session } from './session';

// Four job starts (one per workload and the IoT restore) at 10-40 s each on a busy 2-core machine.
const BUDGET_MS = 240_000;
const FEED_MS = 12_000;
const RATE = 100;
const MALFORMED_EVERY = 50;
const RESULT_METRIC: Record<WorkloadName, string> = {
  taxi: 'pickup_hotspots',
  iot: 'sensor_stats',
  clickstream: 'dashboard',
};

const checks: { name: string; ok: boolean; detail: string }[] = [];
function check(name: string, ok: boolean, detail: string): void {
  checks.push({ name, ok, detail });
  process.stderr.write(`${ok ? 'ok' : 'not ok'} - ${name}: ${detail}\n`);
}

async function runWorkload(workload: WorkloadName, outRoot: string): Promise<void> {
  const log = (m: string): void => void process.stderr.write(`[${workload}] ${m}\n`);
  await withLocalPipeline(
    {
      workload,
      outDir: join(outRoot, workload),
      windowSeconds: 2,
      parallelism: 2,
      shards: 2,
      checkpointIntervalMs: 1000,
      jobProperties: { 'taxi.hotspot.threshold': '3' },
      log,
    },
    async (s) => {
      const lagSamples: number[] = [];
      const fed = await feed({
        client: s.client,
        streamArn: s.inputArn,
        workload,
        ratePerSecond: RATE,
        durationMs: FEED_MS,
        malformedEvery: MALFORMED_EVERY,
        onBatch: () => void millisBehindLatest(s.restUrl, s.jid).then((l) => l !== undefined && lagSamples.push(l)),
      });
      log(`fed ${fed.events} events and ${fed.malformed} malformed records`);

      const metric = RESULT_METRIC[workload];
      const windows = await waitUntil(`committed ${metric} windows`, 30_000, async () => {
        const starts = new Set(
          committedLines(s.resultsDir).filter((l) => l.partition.startsWith(metric)).map((l) => l.json.window_start),
        );
        return starts.size >= 3 ? starts.size : undefined;
      }).catch(() => 0);
      const results = committedLines(s.resultsDir);
      const counts = countByCategory(results);
      check(`${workload}: event-time windows are committed`, windows >= 3,
        `${windows} distinct ${metric} windows; lines per folder ${JSON.stringify(counts)}`);
      const partitioned = results.every((l) => /^[a-z_]+\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}$/.test(l.partition));
      check(`${workload}: results are partitioned by date and hour`, results.length > 0 && partitioned,
        results.slice(0, 1).map((l) => l.partition).join(''));

      const malformedCounted = await waitUntil('malformedRecords to count every malformed record', 15_000, async () => {
        const n = await counter(s.restUrl, s.jid, 'malformedRecords');
        return n >= fed.malformed ? n : undefined;
      }).catch(() => -1);
      check(`${workload}: the malformedRecords metric counts every malformed record`, malformedCounted === fed.malformed,
        `${malformedCounted} counted, ${fed.malformed} fed`);
      const malformedLines = await waitUntil('malformed records in errors/', 15_000, async () => {
        const n = countByCategory(committedLines(s.errorsDir)).malformed ?? 0;
        return n >= fed.malformed ? n : undefined;
      }).catch(() => countByCategory(committedLines(s.errorsDir)).malformed ?? 0);
      check(`${workload}: every malformed record reaches errors/ with a reason`, malformedLines === fed.malformed,
        `${malformedLines} lines, ${fed.malformed} fed`);

      const lag = await millisBehindLatest(s.restUrl, s.jid);
      if (lag !== undefined) lagSamples.push(lag);
      const known = lagSamples.filter((l) => l >= 0);
      check(`${workload}: millisBehindLatest is readable from the Flink REST API`, known.length > 0,
        `${known.length} samples, max ${Math.max(-1, ...known)} ms, last ${lag} ms`);

      if (workload !== 'clickstream') {
        // The Kinesis sink buffers alerts for up to a second (its buffer is checkpointed, not flushed, by a
        // checkpoint), so the stream catches up with the committed files shortly after them.
        const committedAlerts = counts.alerts ?? 0;
        const alerts = await waitUntil('alerts on the Kinesis alerts stream', 15_000, async () => {
          const records = await readAll(s.client, s.alertsArn);
          return records.length > 0 && records.length >= committedAlerts ? records : undefined;
        }).catch(() => readAll(s.client, s.alertsArn));
        const wellFormed = alerts.every((a) => (JSON.parse(a) as { workload?: string }).workload === workload);
        check(`${workload}: alerts reach the Kinesis alerts stream`,
          alerts.length > 0 && wellFormed && alerts.length >= committedAlerts,
          `${alerts.length} records, ${committedAlerts} alert lines committed to files before`);
      }
      const late = await counter(s.restUrl, s.jid, 'lateRecords');
      log(`late records: ${late}; job start-up ${(s.jobStartupMs / 1000).toFixed(1)} s`);
      if (workload === 'iot') await rescaleOverABacklog(s, log);
    },
  );
}

/**
 * What every UpdateApplication, calibration trial and autoscaling step does to the job: stop with a savepoint,
 * records keep arriving meanwhile, restore at another parallelism and read the backlog. Nothing may be late.
 */
async function rescaleOverABacklog(s: Session, log: (m: string) => void): Promise<void> {
  const stoppedAt = Date.now();
  let backlog = 0;
  await s.restoreAt(1, async () => {
    const fed = await feed({ client: s.client, streamArn: s.inputArn, workload: 'iot', ratePerSecond: RATE, durationMs: 6_000, malformedEvery: 0 });
    backlog = fed.events;
  });
  const restoredAt = Date.now();
  log(`restored at parallelism 1 over a backlog of ${backlog} events`);
  // Live records after the restore move event time past the backlog's windows, so they close and are committed.
  await feed({ client: s.client, streamArn: s.inputArn, workload: 'iot', ratePerSecond: RATE, durationMs: 5_000, malformedEvery: 0 });
  const backlogWindows = await waitUntil('windows of the backlog committed', 30_000, async () => {
    const starts = new Set(
      committedLines(s.resultsDir)
        .filter((l) => l.partition.startsWith('sensor_stats'))
        .map((l) => Date.parse(String(l.json.window_start)))
        .filter((t) => t >= stoppedAt && t < restoredAt - 2_000),
    );
    return starts.size >= 2 ? starts.size : undefined;
  }).catch(() => 0);
  check('iot: windows of the backlog built up while stopped are committed after the restore', backlogWindows >= 2,
    `${backlogWindows} windows that started while the job was stopped`);
  await new Promise((r) => setTimeout(r, 2_500)); // one more checkpoint commits errors/ too
  const lateLines = countByCategory(committedLines(s.errorsDir)).late ?? 0;
  const lateCounted = await counter(s.restUrl, s.jid, 'lateRecords');
  check('iot: no record is late across a stop with savepoint and a restore at another parallelism',
    lateLines === 0 && lateCounted === 0, `${lateLines} lines in errors/late, lateRecords ${lateCounted} after the restore`);
  const keys = committedLines(s.resultsDir)
    .filter((l) => l.partition.startsWith('sensor_stats'))
    .map((l) => `${String(l.json.window_start)}|${String(l.json.device_id)}|${String(l.json.sensor_type)}`);
  check('iot: no window result is written twice across the restore', new Set(keys).size === keys.length,
    `${keys.length - new Set(keys).size} duplicates among ${keys.length} window results`);
}

async function main(): Promise<void> {
  assertJarBuilt();
  const started = Date.now();
  const outRoot = resolve(__dirname, '..', '..', 'flink-app', 'target', 'local-e2e');
  for (const workload of ['taxi', 'iot', 'clickstream'] as const) {
    try {
      await runWorkload(workload, outRoot);
    } catch (e) {
      check(`${workload}: local pipeline runs`, false, e instanceof Error ? e.message : String(e));
    }
  }
  const elapsed = Date.now() - started;
  check('the local end-to-end run finishes within 4 minutes', elapsed <= BUDGET_MS, `${(elapsed / 1000).toFixed(1)} s`);
  const failed = checks.filter((c) => !c.ok).length;
  process.stdout.write(`flink-local-e2e: ${checks.length - failed} passed, ${failed} failed\n`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`flink-local-e2e: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
