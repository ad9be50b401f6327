/**
 * DIR/state.json as --resume reads it: versioned, validated field by field (a broken file is an error
 * naming the field, never a silent resume), and only for the run it was saved for unless --force-resume.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkResumable, readStateFile, STATE_VERSION, writeStateFile, type StateFile } from '../../../calibration/aws/state-file';
import { InputError } from '../../../core/errors';
import { ValidationError } from '../../../core/validation';

const dir = mkdtempSync(join(tmpdir(), 'kpufit-state-'));
const slo = { maxLagMs: 60000, catchUpSeconds: 600, targetUtilization: 0.8, maxHeapUtilization: 0.9 };
const original = { parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: true };
const trial = {
  parallelism: 4, parallelismPerKpu: 2, kpus: 2, startSecond: 0, durationSeconds: 600, maxLagMs: 1200, lagSlope: 0.01,
  estimatedCapacityRecordsPerSecond: 3000, cpuUtilization: 55, verdict: 'fail', reason: 'lag grows',
};
const observation = {
  parallelism: 4, parallelismPerKpu: 2, kpus: 2, offeredRecordsPerSecond: 100, recordBytes: 450, shards: 4, cleanMinutes: 8,
  backloggedMinutes: 0, caughtUpMinutes: 8, perSecondNoise: null, consumedRecordsPerSecond: 100, backlogCapacity: null,
  backlogCapacityRelError: null, cpuMsPerRecord: 2, msPerRecord: 3, hotSubtaskShare: 0.25, hotKeyShare: 0, hotKeyShareExact: true,
  estimateRelError: 0.05, heapUtilization: 20, heapAtCeiling: false, fullRestarts: 0, downtimeSeconds: 20,
  acceptedRecordsPerSecond: 100, writeThrottledPerSecond: 0, maxLagMs: 1200, finalLagMs: 100, lagSlope: 0, caughtUp: true,
};
const state = { schemaVersion: 1, original, startedAtMs: 1, elapsedSecondsBefore: 600, kpuSeconds: 1800, reconfigurations: 1, trials: [trial], observations: [observation], timeline: [] };
const good = { kind: 'kpufit-calibration-state', version: 1, savedAt: '2026-01-01T00:00:00.000Z', application: 'app', stream: 's', load: { recordsPerSecond: 100, recordBytes: 450 }, slo, state };

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function problems(path: string): Promise<string[]> {
  const err = await readStateFile(path).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).problems;
}

describe('readStateFile', () => {
  it('reads back what writeStateFile wrote, with its version', async () => {
    const path = join(dir, 'round-trip.json');
    const { kind: _k, version: _v, savedAt: _s, ...rest } = good;
    await writeStateFile(path, rest as unknown as Omit<StateFile, 'kind' | 'version' | 'savedAt'>, new Date(0));
    const read = await readStateFile(path);
    expect(read.version).toBe(STATE_VERSION);
    expect(read.state.trials).toEqual([trial]);
    expect(read.slo).toEqual(slo);
  });

  it('refuses a trial at Parallelism -4 and ParallelismPerKPU 99, naming both fields', async () => {
    const path = file('bad-trial.json', { ...good, state: { ...state, trials: [{ ...trial, parallelism: -4, parallelismPerKpu: 99 }] } });
    expect(await problems(path)).toEqual([
      'state.trials[0].parallelism: Too small: expected number to be >=1',
      'state.trials[0].parallelismPerKpu: Too big: expected number to be <=8',
    ]);
  });

  it('refuses garbage observations, naming the field', async () => {
    expect(await problems(file('garbage.json', { ...good, state: { ...state, observations: ['garbage'] } }))).toEqual([
      'state.observations[0]: Invalid input: expected object, received string',
    ]);
    const bad = await problems(file('nan.json', { ...good, state: { ...state, observations: [{ ...observation, hotKeyShare: 7, cleanMinutes: -1 }] } }));
    expect(bad).toEqual(expect.arrayContaining([
      'state.observations[0].cleanMinutes: Too small: expected number to be >=0',
      'state.observations[0].hotKeyShare: must be from 0 to 1',
    ]));
  });

  it('refuses as many observations as trials do not match, an unknown version, and unknown keys', async () => {
    expect(await problems(file('count.json', { ...good, state: { ...state, observations: [] } }))).toEqual([
      'state.observations: trials and observations must have one entry each per trial',
    ]);
    expect(await problems(file('v9.json', { ...good, version: 9 }))).toEqual(['version: Invalid input: expected 1']);
    expect(await problems(file('extra.json', { ...good, surprise: true }))).toEqual(['surprise: unknown key']);
  });

  it('accepts a file written before versions existed, and reads a UTF-8 BOM; refuses bytes that are not UTF-8', async () => {
    const { version: _v, ...unversioned } = good;
    expect((await readStateFile(file('old.json', unversioned))).version).toBe(1);
    expect((await readStateFile(file('bom.json', `\uFEFF${JSON.stringify(good)}`))).application).toBe('app');
    const latin1 = join(dir, 'latin1.json');
    writeFileSync(latin1, Buffer.from([0x7b, 0xe9, 0x7d]));
    await expect(readStateFile(latin1)).rejects.toEqual(new InputError(`--resume ${latin1}: not valid UTF-8 (save the file as UTF-8)`));
  });
});

describe('checkResumable', () => {
  const now = { application: 'app', stream: 's', recordsPerSecond: 100, recordBytes: 450, slo };

  it('accepts the run the file was saved for', () => {
    expect(() => checkResumable(good as unknown as StateFile, 'f', now)).not.toThrow();
  });

  it('refuses a file saved at --rate 100 when resumed with --rate 6000, and every other differing field, naming each flag', () => {
    let err: unknown;
    try {
      checkResumable(good as unknown as StateFile, 'f', { ...now, recordsPerSecond: 6000, stream: 't', recordBytes: 800, slo: { ...slo, maxLagMs: 1000 } });
    } catch (e) {
      err = e;
    }
    expect((err as ValidationError).problems).toEqual([
      '--resume f: saved with --stream s, not --stream t (pass --force-resume to continue anyway)',
      '--resume f: saved with --rate 100, not --rate 6000 (pass --force-resume to continue anyway)',
      '--resume f: saved with --record-bytes 450, not --record-bytes 800 (pass --force-resume to continue anyway)',
      '--resume f: saved with --slo-lag-ms 60000, not --slo-lag-ms 1000 (pass --force-resume to continue anyway)',
    ]);
  });

  it('--force-resume accepts a differing file', () => {
    expect(() => checkResumable(good as unknown as StateFile, 'f', { ...now, recordsPerSecond: 6000 }, true)).not.toThrow();
  });
});
