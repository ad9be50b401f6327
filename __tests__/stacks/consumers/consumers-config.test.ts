import { ConfigError, loadConfig, parseConfig } from '../../../stacks/config';
import { minimalConfig, projectRoot, withPatch } from '../helpers';

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw, 'config/prod.json');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config: consumers', () => {
  it('defaults every consumer to off, with the documented settings', () => {
    expect(parseConfig(minimalConfig(), 'test').consumers).toEqual({
      logRetentionDays: 365,
      // The processor's tunables stay undefined: StreamProcessor's own defaults apply.
      streamProcessor: { enabled: false },
      quickSight: { enabled: false },
      alerts: { enabled: false, batchSize: 100, maximumRetryAttempts: 3, maximumRecordAgeSeconds: 3600,
        parallelizationFactor: 1, reservedConcurrency: 5, startingPosition: 'LATEST' },
      rawArchive: { enabled: false, bufferingSizeMb: 64, bufferingIntervalSeconds: 300 },
      analyticsCatalog: { enabled: false, bytesScannedCutoffPerQuery: 10737418240, projectionStartDate: '2025-01-01' },
    });
  });

  it('turns the processor, alerts and the catalog on in dev, and the raw archive too in prod', () => {
    const on = (env: 'dev' | 'prod') => {
      const c = loadConfig(env, projectRoot).consumers;
      return [c.streamProcessor.enabled, c.alerts.enabled, c.rawArchive.enabled, c.analyticsCatalog.enabled];
    };
    expect(on('dev')).toEqual([true, true, false, true]);
    expect(on('prod')).toEqual([true, true, true, true]);
  });

  it('gives the prod processor one concurrent batch per shard of its 8', () => {
    expect(loadConfig('prod', projectRoot).consumers.streamProcessor).toEqual({
      enabled: true, batchSize: 500, maximumBatchingWindowSeconds: 10, reservedConcurrency: 8,
    });
  });

  it('refuses a processor whose reserved concurrency cannot cover every shard', () => {
    expect(problemsOf(withPatch(minimalConfig(), { stream: { shards: 6 }, consumers: { streamProcessor: { enabled: true, parallelizationFactor: 2 } } })))
      .toEqual(['config/prod.json: consumers.streamProcessor.reservedConcurrency: must be >= stream.shards x parallelizationFactor (6 x 2 = 12), got 5']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a batch size above the Kinesis maximum', { alerts: { batchSize: 10001 } }, 'consumers.alerts.batchSize: must be <= 10000'],
    ['infinite retries (-1)', { alerts: { maximumRetryAttempts: -1 } }, 'consumers.alerts.maximumRetryAttempts: must be >= 0'],
    ['a record age under a minute', { alerts: { maximumRecordAgeSeconds: 30 } }, 'consumers.alerts.maximumRecordAgeSeconds: must be >= 60'],
    ['a parallelization factor above 10', { alerts: { parallelizationFactor: 11 } }, 'consumers.alerts.parallelizationFactor: must be <= 10'],
    ['no reserved concurrency', { alerts: { reservedConcurrency: 0 } }, 'consumers.alerts.reservedConcurrency: must be >= 1'],
    ['an unknown starting position', { alerts: { startingPosition: 'AT_TIMESTAMP' } },
      'consumers.alerts.startingPosition: must be one of LATEST, TRIM_HORIZON'],
    ['a processor batch above the Kinesis maximum', { streamProcessor: { batchSize: 10001 } }, 'consumers.streamProcessor.batchSize: must be <= 10000'],
    ['a processor batching window above 300 s', { streamProcessor: { maximumBatchingWindowSeconds: 301 } },
      'consumers.streamProcessor.maximumBatchingWindowSeconds: must be <= 300'],
    ['infinite processor retries (-1)', { streamProcessor: { maximumRetryAttempts: -1 } }, 'consumers.streamProcessor.maximumRetryAttempts: must be >= 0'],
    ['a processor starting position (always LATEST)', { streamProcessor: { startingPosition: 'TRIM_HORIZON' } },
      'consumers.streamProcessor.startingPosition: unknown key'],
    ['a QuickSight owner that is not a QuickSight principal', { analyticsCatalog: { enabled: true }, quickSight: { enabled: true, ownerArn: 'arn:aws:iam::123456789012:user/x' } },
      'consumers.quickSight.ownerArn: must be a QuickSight user or group ARN'],
    ['an unknown QuickSight refresh interval', { analyticsCatalog: { enabled: true }, quickSight: { enabled: true, refreshInterval: 'WEEKLY' } },
      'consumers.quickSight.refreshInterval: must be one of MINUTE15, MINUTE30, HOURLY, DAILY'],
    ['a flag that is not a boolean', { rawArchive: { enabled: 'yes' } }, 'consumers.rawArchive.enabled: must be true or false'],
    ['a buffer above 128 MiB', { rawArchive: { bufferingSizeMb: 256 } }, 'consumers.rawArchive.bufferingSizeMb: must be <= 128'],
    ['a buffer interval above 900 s', { rawArchive: { bufferingIntervalSeconds: 901 } },
      'consumers.rawArchive.bufferingIntervalSeconds: must be <= 900'],
    ['a scan cutoff under Athena\'s 10 MB minimum', { analyticsCatalog: { bytesScannedCutoffPerQuery: 1000 } },
      'consumers.analyticsCatalog.bytesScannedCutoffPerQuery: must be >= 10485760'],
    ['a start date that is not yyyy-MM-dd', { analyticsCatalog: { projectionStartDate: '2025/01/01' } },
      'consumers.analyticsCatalog.projectionStartDate: must be a date yyyy-MM-dd'],
    ['a log retention CloudWatch does not offer', { logRetentionDays: 100 }, 'consumers.logRetentionDays: must be one of 1, 3, 5'],
  ])('rejects %s', (_what, consumers, message) => {
    const problems = problemsOf(withPatch(minimalConfig(), { consumers }));
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`config/prod.json: ${message}`)).toBe(true);
  });

  it('rejects an unknown key, naming it', () => {
    expect(problemsOf(withPatch(minimalConfig(), { consumers: { alerts: { enabled: true, batchsize: 10 } } })).join('\n'))
      .toContain('consumers.alerts');
  });

  it('refuses QuickSight without the catalog it queries', () => {
    expect(problemsOf(withPatch(minimalConfig(), { consumers: { quickSight: { enabled: true } } })))
      .toEqual(['config/prod.json: consumers.quickSight.enabled: needs consumers.analyticsCatalog.enabled true (QuickSight queries its Athena workgroup and Glue tables)']);
  });

  it('keeps QuickSight off in both environments (it needs an account subscription)', () => {
    expect(loadConfig('dev', projectRoot).consumers.quickSight).toEqual({ enabled: false });
    expect(loadConfig('prod', projectRoot).consumers.quickSight).toEqual({ enabled: false });
  });

  it('refuses alerts without the alerts stream they read', () => {
    expect(problemsOf(withPatch(minimalConfig(), { alertsStream: { enabled: false }, consumers: { alerts: { enabled: true } } })))
      .toEqual(['config/prod.json: consumers.alerts.enabled: needs alertsStream.enabled true (the Lambda reads the alerts stream)']);
  });
});
