import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ConfigError, DEFAULT_FLINK_JAR, DEFAULT_WINDOW_SECONDS, defaultEnvironment, loadConfig, parseConfig, resolveFlinkJar, selectEnvironments,
} from '../../stacks/config';
import { planStacks } from '../../stacks/app-plan';
import { fixtureJar, minimalConfig, projectRoot, withPatch } from './helpers';

function problemsOf(raw: unknown, source = 'config/prod.json'): string[] {
  try {
    parseConfig(raw, source);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('pipeline config defaults', () => {
  const config = parseConfig(minimalConfig(), 'test');

  it('defaults the input stream to PROVISIONED, 24 h retention, no enhanced fan-out', () => {
    expect(config.stream).toEqual({ mode: 'PROVISIONED', shards: 2, retentionHours: 24, enhancedFanOut: false });
  });
  it('defaults the alerts stream to enabled, ON_DEMAND, 24 h', () => {
    expect(config.alertsStream).toEqual({ enabled: true, mode: 'ON_DEMAND', retentionHours: 24 });
  });
  it('defaults only the config-only application fields; the construct owns the rest', () => {
    // runtime, parallelism, checkpoints, logging...: undefined here, FlinkApplication's defaults apply.
    expect(config.application).toEqual({ name: 'kpufit-test-analytics', maxKpus: 8, jarPath: DEFAULT_FLINK_JAR });
    expect(DEFAULT_FLINK_JAR).toBe('flink-app/target/kpufit-flink-app.jar');
  });
  it('defaults the job windows and has no synthetic cost', () => {
    expect(config.job).toEqual({ workload: 'iot', windowSizeSeconds: 300, watermarkMaxOutOfOrdernessSeconds: 5, watermarkIdlenessSeconds: 60 });
  });
  it.each([['taxi', 60], ['iot', 300], ['clickstream', 60]] as const)('windows %s over %i s unless configured', (workload, seconds) => {
    expect(parseConfig(withPatch(minimalConfig(), { job: { workload } }), 'test').job.windowSizeSeconds).toBe(seconds);
    expect(DEFAULT_WINDOW_SECONDS[workload]).toBe(seconds);
    expect(parseConfig(withPatch(minimalConfig(), { job: { workload, windowSizeSeconds: 120 } }), 'test').job.windowSizeSeconds).toBe(120);
  });
  it('keeps the window defaults equal to the Java job\'s (flink-app WorkloadKind)', () => {
    const java = fs.readFileSync(path.join(projectRoot, 'flink-app/src/main/java/dev/kpufit/flink/config/WorkloadKind.java'), 'utf8');
    const fromJava = Object.fromEntries([...java.matchAll(/^\s*(TAXI|IOT|CLICKSTREAM)\((\d+)\)/gm)].map((m) => [m[1].toLowerCase(), Number(m[2])]));
    expect(fromJava).toEqual(DEFAULT_WINDOW_SECONDS);
  });
  it('sets async I/O capacity and timeout from config in dev', () => {
    expect(loadConfig('dev', projectRoot).job.cost).toEqual({ cpuSpinMicros: 100, ioMode: 'async', ioWaitMillis: 2, asyncCapacity: 100, asyncTimeoutMillis: 1000 });
  });
  it('defaults the millisBehindLatest alarm to 60000 ms like the AWS KPU-calibration blog', () => {
    expect(config.monitoring).toEqual({
      millisBehindLatestThresholdMs: 60000, iteratorAgeThresholdMs: 60000, heapMemoryUtilizationThresholdPercent: 90,
      periodSeconds: 60, evaluationPeriods: 5,
    });
  });
  it('defaults storage tiering to IA at 30 days and Glacier IR at 90', () => {
    expect(config.storage).toEqual({
      resultsInfrequentAccessAfterDays: 30, resultsGlacierAfterDays: 90, noncurrentVersionExpirationDays: 30,
      accessLogExpirationDays: 365,
    });
  });
  it('has no remote backend and no tags unless configured', () => {
    expect(config.backend).toBeUndefined();
    expect(config.tags).toEqual({});
  });
});

describe('config errors: one line naming the file and JSON path each', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['shards below 1', { stream: { shards: 0 } }, 'config/prod.json: stream.shards: must be >= 1'],
    ['shards not an integer', { stream: { shards: 1.5 } }, 'config/prod.json: stream.shards: must be an integer'],
    ['PROVISIONED without shards', { stream: { shards: undefined } },
      'config/prod.json: stream.shards: is required when mode is PROVISIONED (>= 1)'],
    ['ON_DEMAND with shards', { stream: { mode: 'ON_DEMAND', shards: 2 } },
      'config/prod.json: stream.shards: must be omitted when mode is ON_DEMAND'],
    ['enhanced fan-out the job cannot use', { stream: { enhancedFanOut: true } },
      'config/prod.json: stream.enhancedFanOut: must be false: the flink-app job polls only (its Kinesis connector has no EFO source)'],
    ['unknown stream mode', { stream: { mode: 'AUTO' } }, 'config/prod.json: stream.mode: must be one of PROVISIONED, ON_DEMAND'],
    ['retention below 24 h', { stream: { retentionHours: 12 } }, 'config/prod.json: stream.retentionHours: must be >= 24'],
    ['retention above 8760 h', { stream: { retentionHours: 9000 } }, 'config/prod.json: stream.retentionHours: must be <= 8760'],
    ['alerts stream shards on ON_DEMAND', { alertsStream: { shards: 1 } },
      'config/prod.json: alertsStream.shards: must be omitted when mode is ON_DEMAND'],
    ['runtime other than FLINK-1_20', { application: { runtime: 'FLINK-1_18' } },
      'config/prod.json: application.runtime: must be one of FLINK-1_20'],
    ['parallelism below 1', { application: { parallelism: 0 } }, 'config/prod.json: application.parallelism: must be >= 1'],
    ['parallelism above the job\'s max parallelism', { application: { parallelism: 257, maxKpus: 1024 } },
      'config/prod.json: application.parallelism: must be <= 256 (the flink-app job\'s max parallelism)'],
    ['parallelismPerKpu above 8', { application: { parallelismPerKpu: 9 } },
      'config/prod.json: application.parallelismPerKpu: must be <= 8'],
    ['parallelismPerKpu below 1', { application: { parallelismPerKpu: 0 } },
      'config/prod.json: application.parallelismPerKpu: must be >= 1'],
    ['autoScalingEnabled not a boolean', { application: { autoScalingEnabled: 'yes' } },
      'config/prod.json: application.autoScalingEnabled: must be true or false'],
    ['more KPUs than maxKpus', { application: { parallelism: 9, parallelismPerKpu: 1, maxKpus: 8 } },
      'config/prod.json: application.parallelism: needs 9 KPUs at parallelismPerKpu 1, more than application.maxKpus 8'],
    ['empty jarPath', { application: { jarPath: '' } }, 'config/prod.json: application.jarPath: must not be empty'],
    ['async capacity above the job\'s range', { job: { cost: { ioMode: 'async', asyncCapacity: 10001 } } },
      'config/prod.json: job.cost.asyncCapacity: must be <= 10000'],
    ['an async timeout of 0', { job: { cost: { ioMode: 'async', asyncTimeoutMillis: 0 } } },
      'config/prod.json: job.cost.asyncTimeoutMillis: must be >= 1'],
    ['async settings without async I/O', { job: { cost: { ioMode: 'blocking', asyncCapacity: 10 } } },
      'config/prod.json: job.cost.asyncCapacity: needs ioMode "async" (only the async operator uses it)'],
    ['an async timeout no longer than the I/O wait', { job: { cost: { ioMode: 'async', ioWaitMillis: 50, asyncTimeoutMillis: 50 } } },
      'config/prod.json: job.cost.asyncTimeoutMillis: must be > ioWaitMillis (50): otherwise every request times out'],
    ['both a traffic floor and an anomaly band', { monitoring: { incomingRecordsFloor: 10, incomingRecordsAnomalyBandWidth: 2 } },
      'config/prod.json: monitoring.incomingRecordsAnomalyBandWidth: must be omitted when incomingRecordsFloor is set (the alarm uses one or the other)'],
    ['a malformed ratio above 100%', { monitoring: { malformedRatioThresholdPercent: 101 } },
      'config/prod.json: monitoring.malformedRatioThresholdPercent: must be <= 100'],
    ['unsupported log retention', { application: { logRetentionDays: 100 } },
      'config/prod.json: application.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653'],
    ['unknown metrics level', { application: { metricsLevel: 'VERBOSE' } },
      'config/prod.json: application.metricsLevel: must be one of APPLICATION, TASK, OPERATOR, PARALLELISM'],
    ['unknown workload', { job: { workload: 'bus' } }, 'config/prod.json: job.workload: must be one of taxi, iot, clickstream'],
    ['unknown io mode', { job: { cost: { ioMode: 'sometimes' } } },
      'config/prod.json: job.cost.ioMode: must be one of none, blocking, async'],
    ['negative cpu spin', { job: { cost: { cpuSpinMicros: -1 } } }, 'config/prod.json: job.cost.cpuSpinMicros: must be >= 0'],
    ['window of 0 s', { job: { windowSizeSeconds: 0 } }, 'config/prod.json: job.windowSizeSeconds: must be >= 1'],
    ['lag threshold of 0', { monitoring: { millisBehindLatestThresholdMs: 0 } },
      'config/prod.json: monitoring.millisBehindLatestThresholdMs: must be >= 1'],
    ['bad alarm e-mail', { monitoring: { alarmEmail: 'oncall' } }, 'config/prod.json: monitoring.alarmEmail: must be an e-mail address'],
    ['heap threshold over 100 %', { monitoring: { heapMemoryUtilizationThresholdPercent: 120 } },
      'config/prod.json: monitoring.heapMemoryUtilizationThresholdPercent: must be <= 100'],
    ['alarm period not whole minutes', { monitoring: { periodSeconds: 90 } },
      'config/prod.json: monitoring.periodSeconds: must be a multiple of 60'],
    ['Glacier before IA has lasted 30 days', { storage: { resultsInfrequentAccessAfterDays: 30, resultsGlacierAfterDays: 45 } },
      'config/prod.json: storage.resultsGlacierAfterDays: must be >= resultsInfrequentAccessAfterDays + 30 (S3 minimum stay in STANDARD_IA)'],
    ['bad region', { region: 'europe' }, 'config/prod.json: region: must be an AWS region such as eu-west-1'],
    ['name too long for bucket names', { name: 'kpufit-a-very-long-environment-name' },
      'config/prod.json: name: must be 3-24 characters of a-z 0-9 -, starting with a letter'],
    ['non-string tag', { tags: { Team: 7 } }, 'config/prod.json: tags.Team: must be a string'],
    ['backend without bucket', { backend: { s3: { key: 'kpufit/prod.tfstate' } } },
      'config/prod.json: backend.s3.bucket: must be a string'],
    ['unknown top-level key', { extra: true }, 'config/prod.json: extra: unknown key'],
    ['unknown nested key', { application: { parallelismPerKPU: 2 } }, 'config/prod.json: application.parallelismPerKPU: unknown key'],
  ];

  it.each(cases)('%s', (_what, patch, line) => {
    expect(problemsOf(withPatch(minimalConfig(), patch))).toEqual([line]);
  });

  it('reports a missing required section by its path', () => {
    expect(problemsOf(withPatch(minimalConfig(), { job: undefined }))).toEqual(['config/prod.json: job: is required']);
  });
  it('reports a section of the wrong type by its path', () => {
    expect(problemsOf(withPatch(minimalConfig(), { application: 'big' }))).toEqual(['config/prod.json: application: must be an object']);
  });

  it('lists every problem of a file, one line each', () => {
    const lines = problemsOf(withPatch(minimalConfig(), { stream: { shards: 0 }, job: { workload: 'bus' }, extra: 1 }));
    expect(lines).toEqual([
      'config/prod.json: stream.shards: must be >= 1',
      'config/prod.json: job.workload: must be one of taxi, iot, clickstream',
      'config/prod.json: extra: unknown key',
    ]);
  });
});

describe('loading config files', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kpufit-config-'));
    fs.mkdirSync(path.join(root, 'config'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads config/<env>.json under the project root', () => {
    fs.writeFileSync(path.join(root, 'config', 'dev.json'), JSON.stringify(minimalConfig()));
    expect(loadConfig('dev', root).name).toBe('kpufit-test');
  });
  it('names the file when it is missing', () => {
    expect(() => loadConfig('prod', root)).toThrow(/^config\/prod\.json: cannot read: /);
  });
  it('names the file when it is not JSON', () => {
    fs.writeFileSync(path.join(root, 'config', 'prod.json'), '{ name: ');
    expect(() => loadConfig('prod', root)).toThrow(/^config\/prod\.json: not valid JSON: /);
  });

  it('the committed dev and prod configs are valid', () => {
    expect(loadConfig('dev', projectRoot).name).toBe('kpufit-dev');
    expect(loadConfig('prod', projectRoot).name).toBe('kpufit-prod');
  });
});

describe('selecting environments', () => {
  it('builds both environments when nothing is chosen, so `cdktf synth` writes both stacks', () => {
    expect(selectEnvironments(undefined, undefined)).toEqual(['dev', 'prod']);
  });
  it('KPUFIT_ENV picks one', () => {
    expect(selectEnvironments('prod', undefined)).toEqual(['prod']);
  });
  it('the cdktf context env picks one when KPUFIT_ENV is unset', () => {
    expect(selectEnvironments(undefined, 'dev')).toEqual(['dev']);
  });
  it('KPUFIT_ENV wins over the context', () => {
    expect(selectEnvironments('prod', 'dev')).toEqual(['prod']);
  });
  it('`all` builds every environment', () => {
    expect(selectEnvironments('all', undefined)).toEqual(['dev', 'prod']);
  });
  it('rejects an unknown environment naming where it came from', () => {
    expect(() => selectEnvironments('staging', undefined)).toThrow('KPUFIT_ENV: must be one of dev, prod, all (got "staging")');
    expect(() => selectEnvironments(undefined, 'qa')).toThrow('cdktf context env: must be one of dev, prod, all (got "qa")');
  });
  it('single-environment tools default to dev', () => {
    expect(defaultEnvironment).toBe('dev');
  });
});

describe('resolving the Flink jar', () => {
  const config = parseConfig(minimalConfig(), 'test');

  it('fails clearly when the built jar is missing, telling the user to build it', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kpufit-jar-'));
    try {
      expect(() => resolveFlinkJar(config, 'prod', root, undefined)).toThrow(
        'config/prod.json: application.jarPath: Flink jar not found at flink-app/target/kpufit-flink-app.jar: ' +
        'run `npm run build:flink` (or set KPUFIT_FLINK_JAR to a built jar)');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
  it('KPUFIT_FLINK_JAR overrides application.jarPath', () => {
    expect(resolveFlinkJar(config, 'dev', projectRoot, fixtureJar)).toBe(fixtureJar);
  });
  it('names KPUFIT_FLINK_JAR when the override is missing', () => {
    expect(() => resolveFlinkJar(config, 'dev', projectRoot, 'nope/missing.jar')).toThrow(
      /^KPUFIT_FLINK_JAR: Flink jar not found at nope\/missing\.jar: run `npm run build:flink`/);
  });
  it('resolves a relative jarPath against the project root', () => {
    const relative = parseConfig(withPatch(minimalConfig(), { application: { jarPath: '__tests__/fixtures/flink-app-fixture.jar' } }), 't');
    expect(resolveFlinkJar(relative, 'dev', projectRoot, undefined)).toBe(fixtureJar);
  });
});

describe('planning the stacks', () => {
  it('plans both committed environments with the jar given', () => {
    const plans = planStacks({ projectRoot, jarOverride: fixtureJar });
    expect(plans.map((p) => [p.environment, p.config.name, p.flinkJarPath])).toEqual([
      ['dev', 'kpufit-dev', fixtureJar], ['prod', 'kpufit-prod', fixtureJar],
    ]);
  });
  it('collects every environment\'s problems and states a shared jar problem once', () => {
    let problems: string[] = [];
    try {
      planStacks({ projectRoot, jarOverride: 'missing.jar' });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual([
      'KPUFIT_FLINK_JAR: Flink jar not found at missing.jar: run `npm run build:flink` (or set KPUFIT_FLINK_JAR to a built jar)',
    ]);
  });
  it('rejects two environments with the same stack name', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kpufit-plan-'));
    try {
      fs.mkdirSync(path.join(root, 'config'));
      for (const env of ['dev', 'prod']) fs.writeFileSync(path.join(root, 'config', `${env}.json`), JSON.stringify(minimalConfig()));
      expect(() => planStacks({ projectRoot: root, jarOverride: fixtureJar })).toThrow(
        'config/*.json: name: "kpufit-test" is used by two environments; stack names must differ');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
