import { capacity, heapUtilization, requiredCapacity, subtaskRate, type JobEstimate } from '../../../calibration/algorithm/capacity-model';
import { kpusFor } from '../../../core/managed-flink';
import { shardWriteLimit, streamReadLimit } from '../../../core/aws-facts';

const job = (cpu: number, w: number, gamma = 0.02, h = 0): JobEstimate => ({
  cpuMsPerRecord: (j) => cpu * (1 + gamma * (j - 1)), ioWaitMsPerRecord: w, hotKeyShare: h,
});
const slo = { maxLagMs: 60000, catchUpSeconds: 600, targetUtilization: 0.8, maxHeapUtilization: 0.9 };

describe('capacity model (docs/twin-model.md section 2 on estimated parameters)', () => {
  it('a subtask is bounded by its own per-record time or by its share of the vCPU', () => {
    // taxi: c_8 = 0.1 * 1.14 = 0.114; min(1000 / 2.114, 1000 / 0.912) = 473.04
    expect(subtaskRate(job(0.1, 2), 8)).toBeCloseTo(1000 / 2.114, 6);
    // CPU-bound: min(1000 / 0.55, 1000 / (0.55 * 2 * 1.02... )) -> the shared vCPU binds
    expect(subtaskRate(job(0.55, 0), 2)).toBeCloseTo(1000 / (0.561 * 2), 6);
  });

  it('an I/O-bound job gains from more subtasks per KPU, a CPU-bound one does not', () => {
    const io = (k: number) => capacity(job(0.1, 2), 2 * k, k, 1e9).recordsPerSecond;
    expect(io(8)).toBeGreaterThan(4 * io(1));
    const cpu = (k: number) => capacity(job(0.55, 0), 2 * k, k, 1e9).recordsPerSecond;
    expect(cpu(8)).toBeLessThan(cpu(1));
    expect(capacity(job(0.55, 0), 2, 1, 1e9).bottleneck).toBe('compute');
    expect(capacity(job(0.1, 2), 16, 8, 1e9).bottleneck).toBe('io');
  });

  it('C counts full KPUs at rate(k) and the partial last KPU at rate(r)', () => {
    const j = job(0.2, 0.3);
    expect(capacity(j, 11, 4, 1e9).computeBound).toBeCloseTo(8 * subtaskRate(j, 4) + 3 * subtaskRate(j, 3), 6);
  });

  it('a hot key caps capacity at rate(k) / (h + (1 - h) / P)', () => {
    const j = job(0.12, 0.8, 0.02, 0.06);
    const c = capacity(j, 8, 8, 1e9);
    expect(c.hotKeyBound).toBeCloseTo(subtaskRate(j, 8) / (0.06 + 0.94 / 8), 6);
    expect(c.bottleneck).toBe('hot-key');
  });

  it('evenly spread keys are no hot key: a partly filled last KPU under strong slot contention is compute', () => {
    // c_4 = 0.5 * (1 + 0.5 * 3) = 1.25: H = 10 rate(4) = 2,000 < C = 8 rate(4) + 2 rate(2) = 2,933.
    const contended = job(0.5, 0, 0.5, 0);
    const c = capacity(contended, 10, 4, 1e9);
    expect(c.recordsPerSecond).toBeCloseTo(2000, 6);
    expect(c.bottleneck).toBe('compute');
    expect(capacity(job(0.5, 0, 0.5, 0.05), 10, 4, 1e9).bottleneck).toBe('hot-key');
  });

  it('calls a job I/O-bound only when it waits at least as long as it computes', () => {
    // One subtask per KPU: the own-time term c + w binds for any w > 0, yet 0.01 ms of wait against 0.55 ms of CPU is a CPU-bound job.
    expect(capacity(job(0.55, 0.01), 3, 1, 1e9).bottleneck).toBe('compute');
    expect(capacity(job(0.1, 2), 3, 1, 1e9).bottleneck).toBe('io');
    expect(capacity(job(0.3, 0.3), 3, 1, 1e9).bottleneck).toBe('io');
  });

  it('the stream bounds reads at S min(2 MiB / b, 50000) and writes at min(1000, 1 MiB / b) per shard', () => {
    expect(streamReadLimit(4, 500)).toBeCloseTo(4 * 4194.304, 3);
    expect(streamReadLimit(2, 10)).toBe(100000);
    expect(capacity(job(0.2, 0.3), 10, 2, streamReadLimit(4, 500)).bottleneck).toBe('source');
    expect(shardWriteLimit(400)).toBe(1000);
    expect(shardWriteLimit(2048)).toBe(512);
  });

  it('required capacity covers the target utilization and the catch-up after one update', () => {
    expect(requiredCapacity(5200, slo, 40)).toBeCloseTo(6500, 6); // 1 / 0.8 dominates 1 + 40 / 600
    expect(requiredCapacity(4000, { ...slo, catchUpSeconds: 300 }, 190)).toBeCloseTo(4000 * (1 + 190 / 300), 6);
  });

  it('heap per KPU shrinks with KPUs: (base + state / n) / 3072', () => {
    expect(heapUtilization(600, 9000, 5)).toBeCloseTo(2400 / 3072, 9);
    expect(kpusFor(9, 2)).toBe(5);
  });
});
