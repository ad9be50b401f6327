/**
 * The benchmark's scenarios for `npm run bench:autoscale`: four load profiles x three kinds of job, written
 * here (not taken from scenarios/), each starting where a user would: sized by the twin's what-if model for
 * the profile's mean load, built-in autoscaling on (the baselines that do not use it turn it off).
 */
import { parseScenario, rightSize, type Scenario } from '../simulator/twin';
import type { RateProfile } from '../core/rate-profile';

export interface Job {
  name: 'io' | 'cpu' | 'memory';
  peak: number;
  recordBytes: number;
  shards: number;
  job: Record<string, number>;
}

export const JOBS: Job[] = [
  { name: 'io', peak: 6000, recordBytes: 450, shards: 8, job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2.0, stateMb: 500, noise: 0.03 } },
  { name: 'cpu', peak: 4500, recordBytes: 200, shards: 6, job: { cpuMsPerRecord: 0.55, ioWaitMsPerRecord: 0.02, stateMb: 200, noise: 0.03 } },
  { name: 'memory', peak: 14000, recordBytes: 500, shards: 16, job: { cpuMsPerRecord: 0.4, ioWaitMsPerRecord: 0.6, stateMb: 9000, noise: 0.03 } },
];

export interface Profile {
  name: 'daily' | 'spike' | 'ramp' | 'steps';
  days: number;
  at: (peak: number) => RateProfile;
  mean: number;
}

const HOUR = 3600;
export const PROFILES: Profile[] = [
  { name: 'daily', days: 3, mean: 0.6, at: (p) => ({ type: 'daily', min: 0.2 * p, max: p, periodSeconds: 24 * HOUR }) },
  { name: 'spike', days: 1, mean: 0.35, at: (p) => ({ type: 'spike', base: 0.3 * p, peak: p, atSecond: 9 * HOUR, seconds: 2 * HOUR }) },
  { name: 'ramp', days: 1, mean: 0.75, at: (p) => ({ type: 'ramp', from: 0.2 * p, to: p, seconds: 10 * HOUR }) },
  {
    name: 'steps', days: 1, mean: 0.55, at: (p) => ({
      type: 'steps',
      steps: [{ atSecond: 0, recordsPerSecond: 0.3 * p }, { atSecond: 5 * HOUR, recordsPerSecond: 0.8 * p }, { atSecond: 11 * HOUR, recordsPerSecond: 0.4 * p }, { atSecond: 16 * HOUR, recordsPerSecond: p }, { atSecond: 20 * HOUR, recordsPerSecond: 0.5 * p }],
    }),
  },
];

export function scenarioFor(profile: Profile, job: Job, seed: number): Scenario {
  const base = {
    name: `${profile.name}-${job.name}`,
    seed,
    application: `bench-${profile.name}-${job.name}`,
    stream: { name: `bench-${profile.name}-${job.name}-stream`, shards: job.shards },
    load: { recordBytes: job.recordBytes, profile: profile.at(job.peak) },
    job: job.job,
  };
  // Where a user starts: the what-if model's right size for the profile's mean load.
  const sized = rightSize(parseScenario({ ...base, load: { ...base.load, profile: { type: 'constant', recordsPerSecond: profile.mean * job.peak } } }));
  const initial = sized.rightSize ?? { parallelism: 1, parallelismPerKpu: 1 };
  return parseScenario({ ...base, initial: { parallelism: initial.parallelism, parallelismPerKpu: initial.parallelismPerKpu, autoScalingEnabled: true } });
}

export function benchScenario(profile: string, job: string, seed = 1): { scenario: Scenario; days: number } {
  const p = PROFILES.find((x) => x.name === profile);
  const j = JOBS.find((x) => x.name === job);
  if (!p || !j) throw new Error(`unknown profile/job ${profile}/${job}`);
  return { scenario: scenarioFor(p, j, seed), days: p.days };
}
