/**
 * `twin run` a stretch at a time (simulator/twin/run.ts ScenarioRun): a run stopped early reports the
 * seconds it simulated as a run of that length would, so an interrupted `kpufit twin run` prints true figures.
 */
import { join } from 'node:path';
import { loadScenario, runScenario, ScenarioRun } from '../../../simulator/twin';

const taxi = loadScenario(join(__dirname, '..', '..', '..', 'scenarios', 'taxi-io-bound.json'));
const config = { parallelism: 8, parallelismPerKpu: 4 };

describe('ScenarioRun', () => {
  it('advanced in stretches to the end gives exactly the result of runScenario', () => {
    const run = new ScenarioRun(taxi, { ...config, durationSeconds: 1800 });
    for (const stretch of [1, 599, 700, 10_000]) run.advance(stretch);
    expect(run.done).toBe(true);
    expect(run.simulatedSeconds).toBe(1800);
    expect(run.result()).toEqual(runScenario(taxi, { ...config, durationSeconds: 1800 }));
  });

  it('stopped after 1,800 of 7,200 s reports exactly what a 1,800 s run reports', () => {
    const run = new ScenarioRun(taxi, { ...config, durationSeconds: 7200 });
    run.advance(1000);
    run.advance(800);
    expect(run.done).toBe(false);
    expect(run.result()).toEqual(runScenario(taxi, { ...config, durationSeconds: 1800 }));
  });

  it('past 4,096 s the early stop fits the lag from a block boundary at most 1/2,048 of the run late', () => {
    const run = new ScenarioRun(taxi, { ...config, durationSeconds: 40_000 });
    run.advance(10_000);
    const early = run.result();
    const whole = runScenario(taxi, { ...config, durationSeconds: 10_000 });
    expect({ ...early, lagSlope: 0, lagGrowthMsPerMs: 0 }).toEqual({ ...whole, lagSlope: 0, lagGrowthMsPerMs: 0 });
    // taxi at P=8, K=4 falls behind at 1000 (1 - 3798.7 / 5200) = 269.5 ms/s with 2% noise: a few seconds' shift barely moves it.
    expect(Math.abs(early.lagSlope - whole.lagSlope)).toBeLessThan(0.005 * whole.lagSlope);
  });

  it('never simulates past the requested duration', () => {
    const run = new ScenarioRun(taxi, { ...config, durationSeconds: 90 });
    run.advance(60);
    run.advance(60);
    expect(run.simulatedSeconds).toBe(90);
    expect(run.result().durationSeconds).toBe(90);
  });
});
