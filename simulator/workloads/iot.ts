/**
 * A fleet of industrial sensors: each device measures one quantity around its own baseline, and a
 * configurable share of readings crosses the alert threshold the Flink job watches for.
 */
import { Prng } from '../../core/prng';
import { ANOMALY_THRESHOLDS, SENSOR_TYPES, SENSOR_UNITS, type IotEvent } from '../../core/event-schemas';
import { IsoTimestamps, round, type GeneratedEvent, type Workload, type WorkloadOptions } from './workload';

type SensorType = (typeof SENSOR_TYPES)[number];

/** Normal operating range: baseline spread across devices, reading noise, and the physical floor. */
const NORMAL: Record<SensorType, { mean: number; deviceSd: number; readingSd: number; min: number }> = {
  temperature: { mean: 22, deviceSd: 4, readingSd: 1.5, min: -20 },
  pressure: { mean: 55, deviceSd: 6, readingSd: 2.5, min: 0 },
  vibration: { mean: 10, deviceSd: 2.5, readingSd: 2, min: 0 },
  flow: { mean: 120, deviceSd: 12, readingSd: 5, min: 0 },
};
/** Flow has no alert threshold; its anomaly is a surge well above the normal range. */
const FLOW_SURGE = 250;

interface Device {
  id: string;
  sensor: SensorType;
  unit: string;
  location: string;
  baseline: number;
}

export class IotWorkload implements Workload {
  private readonly rng: Prng;
  private readonly times = new IsoTimestamps();
  private readonly devices: Device[];
  private readonly hotShare: number;
  private readonly anomalyShare: number;

  constructor(options: WorkloadOptions) {
    this.rng = new Prng(options.seed);
    this.hotShare = options.hotKeyShare ?? 0;
    this.anomalyShare = options.anomalyShare ?? 0.01;
    const count = options.entities ?? 1000;
    const fleet = new Prng(options.seed ^ 0x5eed);
    this.devices = Array.from({ length: count }, (_, i) => {
      const sensor = SENSOR_TYPES[i % SENSOR_TYPES.length];
      const normal = NORMAL[sensor];
      return {
        id: `device-${String(i + 1).padStart(4, '0')}`,
        sensor,
        unit: SENSOR_UNITS[sensor],
        location: `plant-${1 + (i % 5)}/line-${1 + (Math.floor(i / 5) % 8)}`,
        baseline: Math.max(normal.min, fleet.normal(normal.mean, normal.deviceSd)),
      };
    });
  }

  private reading(device: Device): number {
    const rng = this.rng;
    const threshold = ANOMALY_THRESHOLDS[device.sensor] ?? FLOW_SURGE;
    if (rng.chance(this.anomalyShare)) return round(threshold * rng.uniform(1.01, 1.5), 1);
    const normal = NORMAL[device.sensor];
    const value = rng.normal(device.baseline, normal.readingSd);
    // Normal readings never trip the alert: anomalies come only from the configured share.
    return round(Math.min(Math.max(value, normal.min), threshold * 0.98), 1);
  }

  next(nowMs: number): GeneratedEvent {
    const hot = this.hotShare > 0 && this.rng.chance(this.hotShare);
    const device = hot ? this.devices[0] : this.devices[Math.floor(this.rng.next() * this.devices.length)];
    const event: IotEvent = {
      device_id: device.id,
      timestamp: this.times.format(nowMs),
      sensor_type: device.sensor,
      value: this.reading(device),
      unit: device.unit,
      location: device.location,
    };
    return { event, key: device.id, hot };
  }
}
