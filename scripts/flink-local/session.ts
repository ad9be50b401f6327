/**
 * One local pipeline: kinesis-local with an input and an alerts stream, the Flink job reading the one and
 * writing results to local files and alerts to the other. Everything started here is stopped in `finally`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { WorkloadName } from '../../simulator/workloads';
import { freePort, waitUntil } from '../../calibration/local/free-port';
import { cancel, runningJob, stopWithSavepoint } from '../../calibration/local/flink-rest';
import { createStream, EMULATOR_REGION, startKinesisLocal } from '../../calibration/local/kinesis-local';
import { startLocalJob, type PropertyGroups } from '../../calibration/local/local-job';

export interface SessionOptions {
  workload: WorkloadName;
  outDir: string;
  windowSeconds: number;
  parallelism: number;
  shards: number;
  checkpointIntervalMs: number;
  /** Job-group overrides, e.g. taxi.hotspot.threshold or cost knobs. */
  jobProperties?: Record<string, string>;
  /** Further property groups, e.g. OpenSearch for `--opensearch`. */
  extraGroups?: PropertyGroups;
  log?: (message: string) => void;
}

export interface Session {
  client: KinesisClient;
  inputArn: string;
  alertsArn: string;
  restUrl: string;
  jid: string;
  resultsDir: string;
  errorsDir: string;
  /** Milliseconds from starting the job's JVM to all its tasks RUNNING. */
  jobStartupMs: number;
  /**
   * Stops the job with a savepoint (as an UpdateApplication or a rescale on Managed Flink does), runs
   * `whileStopped` (e.g. to build up a backlog), then restores it from the savepoint at `parallelism` in a new
   * JVM; `restUrl`, `jid` and `jobStartupMs` then describe the restored job.
   */
  restoreAt(parallelism: number, whileStopped?: () => Promise<void>): Promise<void>;
}

export function properties(o: SessionOptions, endpoint: string, inputArn: string, alertsArn: string): PropertyGroups {
  return {
    InputStream: {
      'stream.arn': inputArn,
      'stream.name': inputArn.split(':stream/')[1],
      'aws.region': EMULATOR_REGION,
      'source.init.position': 'TRIM_HORIZON',
      'aws.endpoint': endpoint,
    },
    Output: {
      'results.path': pathToFileURL(join(o.outDir, 'results')).href + '/',
      'errors.path': pathToFileURL(join(o.outDir, 'errors')).href + '/',
      'alerts.stream.arn': alertsArn,
      'aws.region': EMULATOR_REGION,
      'aws.endpoint': endpoint,
    },
    Job: {
      workload: o.workload,
      'window.size.seconds': String(o.windowSeconds),
      'watermark.max.out.of.orderness.seconds': '2',
      'watermark.idleness.seconds': '5',
      ...o.jobProperties,
    },
    ...o.extraGroups,
  };
}

export async function withLocalPipeline<T>(o: SessionOptions, body: (s: Session) => Promise<T>): Promise<T> {
  const log = o.log ?? (() => undefined);
  const outDir = resolve(o.outDir);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const kinesis = await startKinesisLocal(join(outDir, 'kinesis-local.log'));
  log(`kinesis-local on ${kinesis.endpoint}`);
  let job: ReturnType<typeof startLocalJob> | undefined;
  let jid: string | undefined;
  try {
    const inputArn = await createStream(kinesis.client, `kpufit-${o.workload}-input`, o.shards);
    const alertsArn = await createStream(kinesis.client, `kpufit-${o.workload}-alerts`, 1);
    const start = async (parallelism: number, fromSavepoint?: string): Promise<{ restUrl: string; jid: string; ms: number }> => {
      const restPort = await freePort();
      const started = Date.now();
      const launched = startLocalJob({
        properties: properties({ ...o, outDir }, kinesis.endpoint, inputArn, alertsArn),
        workDir: outDir,
        restPort,
        parallelism,
        checkpointIntervalMs: o.checkpointIntervalMs,
        fromSavepoint,
      });
      job = launched;
      jid = undefined;
      const exited = launched.exited.then((code) => {
        const jobLog = join(outDir, 'job.log');
        const tail = existsSync(jobLog) ? readFileSync(jobLog, 'utf8').trim().split('\n').slice(-6).join(' | ') : '';
        throw new Error(`the Flink job exited with code ${code}: ${tail} (see ${jobLog} and flink.log)`);
      });
      exited.catch(() => undefined);
      const running = await Promise.race([
        waitUntil('the Flink job to be RUNNING', 90_000, () => runningJob(launched.restUrl), 500),
        exited,
      ]);
      jid = running.jid;
      const ms = Date.now() - started;
      log(`job ${running.name} RUNNING at parallelism ${parallelism}${fromSavepoint ? ' from a savepoint' : ''} after `
        + `${(ms / 1000).toFixed(1)} s, REST API ${launched.restUrl}`);
      return { restUrl: launched.restUrl, jid: running.jid, ms };
    };
    const first = await start(o.parallelism);
    const session: Session = {
      client: kinesis.client,
      inputArn,
      alertsArn,
      restUrl: first.restUrl,
      jid: first.jid,
      resultsDir: join(outDir, 'results', o.workload),
      errorsDir: join(outDir, 'errors', o.workload),
      jobStartupMs: first.ms,
      async restoreAt(parallelism, whileStopped) {
        const stopping = job;
        const savepoint = await stopWithSavepoint(session.restUrl, session.jid, pathToFileURL(join(outDir, 'savepoints')).href);
        jid = undefined;
        log(`stopped with savepoint ${savepoint}`);
        // The job's JVM ends once the stopped job has finished; stop() only forces it if it has not in 15 s.
        await Promise.race([stopping?.exited, new Promise((r) => setTimeout(r, 15_000))]);
        await stopping?.stop();
        if (whileStopped) await whileStopped();
        const restored = await start(parallelism, savepoint);
        session.restUrl = restored.restUrl;
        session.jid = restored.jid;
        session.jobStartupMs = restored.ms;
      },
    };
    return await body(session);
  } finally {
    if (job) {
      if (jid) await cancel(job.restUrl, jid).catch(() => undefined);
      await job.stop();
    }
    await kinesis.stop();
  }
}
