import { Testing } from 'cdktf';
import { DEFAULT_MAX_PARALLELISM, MAX_PARALLELISM_PER_KPU } from '../../../core/aws-facts';
import { FlinkApplication, FlinkApplicationProps } from '../../../stacks/flink-application';
import {
  FLINK_APPLICATION_DEFAULTS, validateFlinkApplicationProps,
} from '../../../stacks/private/flink-application-validation';

const valid = { applicationName: 'kpufit-dev-analytics' };

describe('validateFlinkApplicationProps', () => {
  it('fills every unset prop with the documented default', () => {
    expect(validateFlinkApplicationProps(valid)).toEqual({
      parallelism: 1, parallelismPerKpu: 1, checkpointIntervalMs: 60000, minPauseBetweenCheckpointsMs: 5000,
      logLevel: 'INFO', metricsLevel: 'OPERATOR', logRetentionDays: 365,
    });
    expect(FLINK_APPLICATION_DEFAULTS).toEqual({
      parallelism: 1, parallelismPerKpu: 1, autoScalingEnabled: false, checkpointIntervalMs: 60000,
      minPauseBetweenCheckpointsMs: 5000, snapshotsEnabled: true, logLevel: 'INFO', metricsLevel: 'OPERATOR',
      logRetentionDays: 365, ignoreParallelismChanges: false, startApplication: true,
    });
  });

  it('accepts the bounds: parallelism 1 and the job\'s max parallelism, parallelismPerKpu 1 and 8', () => {
    expect(DEFAULT_MAX_PARALLELISM).toBe(256);
    expect(MAX_PARALLELISM_PER_KPU).toBe(8);
    expect(validateFlinkApplicationProps({ ...valid, parallelism: 256, parallelismPerKpu: 8 }))
      .toMatchObject({ parallelism: 256, parallelismPerKpu: 8 });
    expect(validateFlinkApplicationProps({ ...valid, parallelism: 1, parallelismPerKpu: 1 }))
      .toMatchObject({ parallelism: 1, parallelismPerKpu: 1 });
  });

  it('accepts a 128-character name of every allowed character class', () => {
    const name = `aZ09_.-${'x'.repeat(121)}`;
    expect(name).toHaveLength(128);
    expect(() => validateFlinkApplicationProps({ applicationName: name })).not.toThrow();
  });

  it.each([
    ['parallelism 0', { parallelism: 0 }, 'FlinkApplication: parallelism must be an integer in 1..256 (the flink-app job\'s max parallelism) (got 0)'],
    ['parallelism 257', { parallelism: 257 }, 'FlinkApplication: parallelism must be an integer in 1..256 (the flink-app job\'s max parallelism) (got 257)'],
    ['parallelism 1.5', { parallelism: 1.5 }, 'FlinkApplication: parallelism must be an integer in 1..256 (the flink-app job\'s max parallelism) (got 1.5)'],
    ['parallelismPerKpu 0', { parallelismPerKpu: 0 }, 'FlinkApplication: parallelismPerKpu must be an integer in 1..8 (got 0)'],
    ['parallelismPerKpu 9', { parallelismPerKpu: 9 }, 'FlinkApplication: parallelismPerKpu must be an integer in 1..8 (got 9)'],
    ['an empty name', { applicationName: '' }, 'FlinkApplication: applicationName must be 1-128 characters of a-z A-Z 0-9 _ . - (got "")'],
    ['a 129-character name', { applicationName: 'a'.repeat(129) },
      `FlinkApplication: applicationName must be 1-128 characters of a-z A-Z 0-9 _ . - (got "${'a'.repeat(129)}")`],
    ['a name with a space', { applicationName: 'my app' }, 'FlinkApplication: applicationName must be 1-128 characters of a-z A-Z 0-9 _ . - (got "my app")'],
    ['a checkpoint interval of 0', { checkpointIntervalMs: 0 },
      'FlinkApplication: checkpointIntervalMs must be an integer in 1..9007199254740991 (got 0)'],
    ['a negative pause between checkpoints', { minPauseBetweenCheckpointsMs: -1 },
      'FlinkApplication: minPauseBetweenCheckpointsMs must be an integer in 0..9007199254740991 (got -1)'],
    ['an unknown log level', { logLevel: 'TRACE' }, 'FlinkApplication: logLevel must be one of INFO, WARN, ERROR, DEBUG (got "TRACE")'],
    ['an unknown metrics level', { metricsLevel: 'JOB' },
      'FlinkApplication: metricsLevel must be one of APPLICATION, TASK, OPERATOR, PARALLELISM (got "JOB")'],
    ['a retention CloudWatch Logs refuses', { logRetentionDays: 100 },
      'FlinkApplication: logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (got 100)'],
  ])('refuses %s, naming the prop and the allowed values', (_, patch, message) => {
    expect(() => validateFlinkApplicationProps({ ...valid, ...patch })).toThrow(message);
  });
});

describe('FlinkApplication validation', () => {
  it('throws before creating any resource', () => {
    const stack = Testing.stubVersion(Testing.app()).node.root;
    // Only applicationName and parallelism are read before the check; nothing else is touched.
    const props = { applicationName: 'app', parallelism: 0 } as unknown as FlinkApplicationProps;
    let created: FlinkApplication | undefined;
    expect(() => { created = new FlinkApplication(stack, 'flink', props); }).toThrow('FlinkApplication: parallelism');
    expect(created).toBeUndefined();
    expect(stack.node.findAll().filter((c) => c.node.path.includes('flink/'))).toEqual([]);
  });
});
