import { fitModel, jobAt, predictCapacity, trialCapacity } from '../../../calibration/algorithm/model-fitter';
import { capacity } from '../../../calibration/algorithm/capacity-model';
import { streamReadLimit } from '../../../core/aws-facts';
import { algorithmOptions } from '../../../calibration/algorithm/options';
import { estimateOf, observe, type FakeJob } from './samples';

const options = algorithmOptions();
const R = streamReadLimit(8, 400);
const taxi: FakeJob = { cpu: 0.1, w: 2, gamma: 0.02, h: 0, baseHeapMb: 600, stateMb: 500, downtimeSeconds: 40 };

describe('model fitting', () => {
  it('after one ParallelismPerKPU, γ spans [0, max] around the prior and other k are ranges', () => {
    const fit = fitModel([observe(taxi, 1, 1, 5200)], options);
    expect(fit.measured.slotContention).toBe(false);
    expect(fit.slotContention).toEqual({ lo: 0, mid: options.priorSlotContention, hi: options.maxSlotContention });
    const c8 = fit.cpuAt(8);
    expect(c8.lo).toBeLessThanOrEqual(0.1 + 1e-9);
    expect(c8.hi).toBeGreaterThanOrEqual(0.1 * (1 + 7 * options.maxSlotContention) - 1e-9);
    expect(fit.ioWait.mid).toBeCloseTo(2, 6);
  });

  it('learns γ exactly once two ParallelismPerKPU values were seen', () => {
    const fit = fitModel([observe(taxi, 1, 1, 5200), observe(taxi, 16, 8, 5200)], options);
    expect(fit.measured.slotContention).toBe(true);
    expect(fit.slotContention.mid).toBeCloseTo(0.02, 6);
    expect(fit.cpuAt(4).mid).toBeCloseTo(0.1 * 1.06, 6);
  });

  it('predicts capacity for configurations never tried, bracketing the truth', () => {
    const fit = fitModel([observe(taxi, 1, 1, 5200)], options);
    const truth = capacity(estimateOf(taxi), 16, 8, R).recordsPerSecond;
    const p = predictCapacity(fit, 16, 8, R);
    expect(p.lo).toBeLessThanOrEqual(truth);
    expect(p.hi).toBeGreaterThanOrEqual(truth);
  });

  it('keeps h unknown until a trial with Parallelism > 1, then measures it', () => {
    const skewed = { ...taxi, h: 0.06 };
    expect(fitModel([observe(skewed, 1, 1, 5200)], options).hotKeyShare).toEqual({ lo: 0, mid: 0, hi: options.maxHotKeyShare });
    const fit = fitModel([observe(skewed, 1, 1, 5200), observe(skewed, 16, 8, 5200)], options);
    expect(fit.measured.hotKeyShare).toBe(true);
    expect(fit.hotKeyShare.mid).toBeCloseTo(0.06, 6);
  });

  it('splits heap into base + state / n from two KPU counts', () => {
    const heavy = { ...taxi, stateMb: 3000 };
    const fit = fitModel([observe(heavy, 2, 1, 100), observe(heavy, 16, 4, 100)], options);
    expect(fit.measured.heap).toBe('fit');
    expect(fit.baseHeapMb).toBeCloseTo(600, 3);
    expect(fit.stateMb).toBeCloseTo(3000, 3);
    expect(fit.heapMbAt(3).mid).toBeCloseTo(1600, 3);
  });

  it('from an out-of-memory reading alone, assumes the documented multiple of the heap', () => {
    const fit = fitModel([observe({ ...taxi, stateMb: 9000 }, 1, 1, 1500)], options);
    expect(fit.measured.heap).toBe('ceiling');
    expect(fit.heapMbAt(1).lo).toBe(3072);
    expect(fit.heapMbAt(2).hi).toBe(Infinity);
    expect(fit.heapMbAt(6).mid).toBeCloseTo(600 + (options.ceilingHeapFactor * 3072 - 600) / 6, 6);
  });

  it('before any update the downtime is the prior; after one it is measured', () => {
    expect(fitModel([observe(taxi, 1, 1, 5200)], options).downtimeSeconds).toEqual({ lo: 0, mid: 60, hi: 60 });
    expect(fitModel([observe(taxi, 1, 1, 5200), observe(taxi, 16, 8, 5200, { update: true })], options).downtimeSeconds.mid).toBe(40);
  });

  it('a trial\'s own capacity: the backlog throughput, or the model on its own ratios when caught up', () => {
    const fit = fitModel([observe(taxi, 1, 1, 5200)], options);
    expect(trialCapacity(observe(taxi, 1, 1, 5200), fit, R, options)).toMatchObject({ method: 'backlog-throughput', recordsPerSecond: 1000 / 2.1 });
    const caughtUp = trialCapacity(observe(taxi, 16, 8, 5200), fit, R, options)!;
    expect(caughtUp.method).toBe('busy-time+cpu');
    expect(caughtUp.recordsPerSecond).toBeCloseTo(capacity(estimateOf(taxi), 16, 8, R).recordsPerSecond, 6);
  });

  it('an I/O-bound trial\'s capacity carries the busy time\'s noise, not a noisy CPU reading\'s; a compute-bound one carries both', () => {
    // A real job's CPU per record is mostly the host's background at I/O-bound rates: 40% scatter, busy time 1%.
    const ioBound: FakeJob = { cpu: 0.2, w: 8, gamma: 0.02, h: 0, baseHeapMb: 600, stateMb: 100, downtimeSeconds: 20 };
    const noisy = (o: ReturnType<typeof observe>) => ({ ...o, cpuRelError: 0.4, msRelError: 0.01, estimateRelError: 0.4 });
    const io = noisy(observe(ioBound, 2, 2, 150));
    const fitIo = fitModel([io], options);
    expect(trialCapacity(io, fitIo, R, options)!.relativeMargin).toBeCloseTo(options.marginZ * 0.01, 12);
    const cpuBound: FakeJob = { ...ioBound, cpu: 4, w: 0.5 };
    const compute = noisy(observe(cpuBound, 2, 2, 100));
    expect(trialCapacity(compute, fitModel([compute], options), R, options)!.relativeMargin).toBeCloseTo(options.marginZ * 0.4, 12);
    // Observations saved before the split errors existed keep the combined one.
    const { cpuRelError: _c, msRelError: _m, ...old } = io;
    expect(trialCapacity(old, fitIo, R, options)!.relativeMargin).toBeCloseTo(options.marginZ * 0.4, 12);
  });

  it('a caught-up trial also seen consuming clearly more while backlogged than its ratios allow has at least that capacity', () => {
    const fit = fitModel([observe(taxi, 1, 1, 5200)], options);
    const caught = observe(taxi, 16, 8, 5200);
    const modelled = trialCapacity(caught, fit, R, options)!.recordsPerSecond;
    const seen = { ...caught, backlogCapacity: modelled * 1.5, backloggedMinutes: 1, backlogCapacityRelError: 0.01 };
    expect(trialCapacity(seen, fit, R, options)).toEqual({ recordsPerSecond: modelled * 1.5, method: 'backlog-throughput', relativeMargin: options.marginZ * 0.01 });
    const withinNoise = { ...seen, backlogCapacity: modelled * 1.02 };
    expect(trialCapacity(withinNoise, fit, R, options)!.method).toBe('busy-time+cpu');
  });

  it('a margin above 100% leaves the optimistic corner\'s CPU per record positive, so no size is excluded as having negative capacity', () => {
    const ioBound: FakeJob = { cpu: 0.2, w: 8, gamma: 0.02, h: 0, baseHeapMb: 600, stateMb: 100, downtimeSeconds: 20 };
    const o = { ...observe(ioBound, 1, 1, 80), estimateRelError: 0.5 };
    const fit = fitModel([o], options);
    expect(fit.margin).toBeCloseTo(1.5, 12);
    expect(fit.cpuAt(1).lo).toBeGreaterThan(0);
    expect(predictCapacity(fit, 2, 2, R).hi).toBeGreaterThan(predictCapacity(fit, 1, 1, R).mid);
  });

  it('the optimistic corner uses every parameter at its favourable end', () => {
    const fit = fitModel([observe(taxi, 1, 1, 5200)], options);
    expect(jobAt(fit, 'hi').hotKeyShare).toBe(0);
    expect(jobAt(fit, 'lo').hotKeyShare).toBe(options.maxHotKeyShare);
  });
});
