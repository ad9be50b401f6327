/** Scenario files (docs/file-formats.md): strict validation with JSON paths, and the defaults of docs/twin-model.md. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, parseScenario } from '../../../simulator/twin';
import { ValidationError } from '../../../core/validation';

const minimal = {
  name: 'minimal',
  stream: { shards: 2 },
  load: { recordBytes: 100, profile: { type: 'constant', recordsPerSecond: 10 } },
  job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 0 },
};

function problems(json: unknown): string[] {
  try {
    parseScenario(json, 'x.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
}

describe('parseScenario', () => {
  it('fills in every default of docs/twin-model.md and docs/file-formats.md', () => {
    const s = parseScenario(minimal);
    expect(s).toEqual({
      name: 'minimal',
      seed: 1,
      application: 'kpufit-twin',
      stream: { name: 'kpufit-stream', shards: 2, shardSkew: 0 },
      load: minimal.load,
      job: {
        cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 0, slotContention: 0.02, hotKeyShare: 0, stateMb: 0, restartSeconds: 30,
        snapshotMbps: 50, baseHeapMb: 600, oomAfterSeconds: 120, startSeconds: 60, noise: 0.02,
        fetchAheadRecords: 10000,
      },
      initial: { parallelism: 1, parallelismPerKpu: 1, autoScalingEnabled: false },
      limits: { maxKpu: 64, maxParallelism: 256 },
      slo: { maxLagMs: 60000, catchUpSeconds: 600, targetUtilization: 0.8, maxHeapUtilization: 0.9 },
      pricing: { kpuHourUsd: 0.11, storageGbMonthUsd: 0.1 },
    });
  });

  it('keeps given values over the defaults', () => {
    const s = parseScenario({ ...minimal, slo: { catchUpSeconds: 300 }, job: { ...minimal.job, noise: 0 } });
    expect(s.slo).toEqual({ maxLagMs: 60000, catchUpSeconds: 300, targetUtilization: 0.8, maxHeapUtilization: 0.9 });
    expect(s.job.noise).toBe(0);
  });

  it('names each required field that is missing', () => {
    expect(problems({})).toEqual([
      'name: is required', 'stream: is required', 'load: is required', 'job: is required',
    ]);
    expect(problems({ ...minimal, job: {}, stream: {} })).toEqual([
      'stream.shards: is required', 'job.cpuMsPerRecord: is required', 'job.ioWaitMsPerRecord: is required',
    ]);
  });

  it('reports unknown keys one line each, at any depth', () => {
    expect(problems({ ...minimal, extra: 1, job: { ...minimal.job, cpuMs: 1, gc: true } })).toEqual([
      'job.cpuMs: unknown key', 'job.gc: unknown key', 'extra: unknown key',
    ]);
  });

  it('reports wrong types with the path', () => {
    expect(problems({ ...minimal, seed: 'seven', stream: { shards: '4' }, initial: { autoScalingEnabled: 'yes' } })).toEqual([
      'seed: must be an integer', 'stream.shards: must be an integer', 'initial.autoScalingEnabled: must be true or false',
    ]);
  });

  it('reports out-of-range values with the allowed range', () => {
    expect(problems({
      ...minimal,
      stream: { shards: 0, shardSkew: 1.5 },
      job: { cpuMsPerRecord: 0, ioWaitMsPerRecord: -1, hotKeyShare: 2, noise: 0.5 },
      initial: { parallelism: 1.5, parallelismPerKpu: 9 },
      slo: { targetUtilization: 0 },
    })).toEqual([
      'stream.shards: must be >= 1', 'stream.shardSkew: must be <= 1',
      'job.cpuMsPerRecord: must be > 0', 'job.ioWaitMsPerRecord: must be >= 0', 'job.hotKeyShare: must be <= 1',
      'job.noise: must be <= 0.3',
      'initial.parallelism: must be an integer', 'initial.parallelismPerKpu: must be <= 8',
      'slo.targetUtilization: must be > 0',
    ]);
  });

  it('takes job.fetchAheadRecords as a whole number of records >= 0 (0: no fetch-ahead)', () => {
    expect(parseScenario({ ...minimal, job: { ...minimal.job, fetchAheadRecords: 0 } }).job.fetchAheadRecords).toBe(0);
    expect(parseScenario({ ...minimal, job: { ...minimal.job, fetchAheadRecords: 50000 } }).job.fetchAheadRecords).toBe(50000);
    expect(problems({ ...minimal, job: { ...minimal.job, fetchAheadRecords: -1 } })).toEqual(['job.fetchAheadRecords: must be >= 0']);
    expect(problems({ ...minimal, job: { ...minimal.job, fetchAheadRecords: 2.5 } })).toEqual(['job.fetchAheadRecords: must be an integer']);
    expect(problems({ ...minimal, job: { ...minimal.job, fetchAheadRecords: '10000' } })).toEqual(['job.fetchAheadRecords: must be an integer']);
  });

  it('checks the profile with its own rules, under load.profile', () => {
    expect(problems({ ...minimal, load: { recordBytes: 100, profile: { type: 'square' } } })).toEqual([
      'load.profile.type: type must be one of constant, ramp, steps, spike, daily',
    ]);
    expect(problems({ ...minimal, load: { recordBytes: 100, profile: { type: 'constant', recordsPerSecond: -5 } } })).toEqual([
      'load.profile.recordsPerSecond: must be > 0',
    ]);
  });

  it('rejects an initial configuration above the limits', () => {
    expect(problems({ ...minimal, initial: { parallelism: 300, parallelismPerKpu: 1 }, limits: { maxKpu: 500 } })).toEqual([
      'initial.parallelism: must be <= limits.maxParallelism 256',
    ]);
    expect(problems({ ...minimal, initial: { parallelism: 65 } })).toEqual([
      'initial.parallelism: needs 65 KPUs, above limits.maxKpu 64',
    ]);
  });

  it('rejects names AWS would reject', () => {
    expect(problems({ ...minimal, application: 'my app!' })).toEqual([
      'application: must be 1-128 characters of a-z, A-Z, 0-9, _ . -',
    ]);
  });

  it('rejects a document that is not an object', () => {
    expect(problems([1, 2])).toEqual(['(root): must be an object']);
  });
});

describe('loadScenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpufit-scenario-'));

  it('reads and validates a file, naming the file in errors', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...minimal, stream: { shards: -1 } }));
    expect(() => loadScenario(file)).toThrow(ValidationError);
    expect(() => loadScenario(file)).toThrow(`${file}: invalid input\n  stream.shards: must be >= 1`);
  });

  it('says clearly when the file cannot be read or is not JSON', () => {
    expect(() => loadScenario(join(dir, 'missing.json'))).toThrow('cannot read scenario file: no such file');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "name": ');
    expect(() => loadScenario(broken)).toThrow(/not valid JSON/);
  });
});

describe('parseScenario: a load that offers nothing', () => {
  it('refuses a profile that peaks at 0 records/s', () => {
    const json = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'scenarios', 'taxi-io-bound.json'), 'utf8'));
    expect(() => parseScenario({ ...json, load: { ...json.load, profile: { type: 'steps', steps: [{ atSecond: 0, recordsPerSecond: 0 }] } } }))
      .toThrow(expect.objectContaining({ problems: ['load.profile: peaks at 0 records/s: the load must offer records (peak > 0)'] }));
  });
});
