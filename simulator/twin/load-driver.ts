/**
 * The LoadDriver port over the twin's rate-level producer: the calibrator and `kpufit load --target twin`
 * drive the twin with rates and profiles, never with record objects, so a day of load costs no memory.
 */
import type { LoadDriver, LoadSpec, LoadStats } from '../../core/load-driver';
import type { Twin } from './twin';

export function createTwinLoadDriver(twin: Twin): LoadDriver {
  let recordBytes = 0;
  const stats = (): LoadStats => {
    const p = twin.producerStats();
    return { sent: p.offered, acknowledged: p.accepted, failed: 0, throttledRetries: p.throttled, inFlight: p.pendingRetry };
  };
  return {
    async start(spec: LoadSpec) {
      recordBytes = spec.recordBytes;
      const profile = 'profile' in spec ? spec.profile : { type: 'constant' as const, recordsPerSecond: spec.recordsPerSecond };
      twin.setOfferedLoad(profile, recordBytes);
    },
    async setRate(recordsPerSecond: number) {
      if (recordBytes === 0) throw new Error('the twin load driver is not started: call start() first');
      twin.setOfferedLoad(recordsPerSecond > 0 ? { type: 'constant', recordsPerSecond } : null, recordBytes);
    },
    async stop() {
      if (recordBytes > 0) twin.setOfferedLoad(null, recordBytes);
      return stats();
    },
    stats,
  };
}
