import { MetricsCollector } from '../../../calibration/algorithm/metrics-collector';
import type { MetricPeriod, MetricsSource } from '../../../calibration/ports';

const period = (startMs: number, values: Partial<MetricPeriod>): MetricPeriod => ({
  startMs, lagMaxMs: null, lagAvgMs: null, lagMinMs: null, consumed: null, cpu: null, containerCpuMax: null,
  busyAvg: null, busyMax: null, busyMin: null, heapMax: null, kpus: null, downtimeMaxMs: null, uptimeMinMs: null,
  fullRestartsMax: null, incomingRecords: null, writeThrottled: null, ...values,
});

describe('metrics collection', () => {
  it('reads the window from the port and stamps each period in seconds since the run started, oldest first', async () => {
    const asked: Array<[number, number]> = [];
    const source: MetricsSource = {
      async read(fromMs, toMs) {
        asked.push([fromMs, toMs]);
        return [period(1_120_000, { lagMaxMs: 5000 }), period(1_060_000, { consumed: 100 })];
      },
    };
    const samples = await new MetricsCollector(source, 1_000_000).collect(1_060_000, 1_180_000);
    expect(asked).toEqual([[1_060_000, 1_180_000]]);
    expect(samples.map((s) => [s.second, s.startMs, s.consumed, s.lagMaxMs])).toEqual([[60, 1_060_000, 100, null], [120, 1_120_000, null, 5000]]);
  });
});
