/**
 * NYC yellow-cab trips, one event when a trip ends (the fixtures' event time is dropoff_datetime), with
 * the public TLC dataset's snake_case fields. Pickups cluster around Manhattan hotspots and the boroughs;
 * a share of trips go to JFK or LaGuardia with the flat fare and tolls those trips carry.
 */
import { cumulativeWeights, Prng } from '../prng';
import type { TaxiEvent } from '../event-schemas';
import { clamp, IsoTimestamps, round, type GeneratedEvent, type Workload, type WorkloadOptions } from './workload';

/** New York City's bounding box (TLC taxi zones). */
export const NYC_BOUNDS = { minLat: 40.4774, maxLat: 40.9176, minLon: -74.2591, maxLon: -73.7004 } as const;
export const AIRPORTS = {
  JFK: { lat: 40.6413, lon: -73.7781 },
  LGA: { lat: 40.7769, lon: -73.874 },
} as const;

const HOTSPOTS = [
  { lat: 40.7549, lon: -73.984, sd: 0.008, weight: 30 }, // Midtown
  { lat: 40.7736, lon: -73.9566, sd: 0.008, weight: 14 }, // Upper East Side
  { lat: 40.787, lon: -73.9754, sd: 0.008, weight: 10 }, // Upper West Side
  { lat: 40.7359, lon: -73.9911, sd: 0.008, weight: 16 }, // Chelsea / Village
  { lat: 40.7075, lon: -74.0113, sd: 0.006, weight: 10 }, // Financial District
  { lat: 40.6782, lon: -73.9442, sd: 0.02, weight: 10 }, // Brooklyn
  { lat: 40.7644, lon: -73.9235, sd: 0.015, weight: 10 }, // Astoria / LIC
];
const HOTSPOT_CUM = cumulativeWeights(HOTSPOTS.map((h) => h.weight));
const PASSENGERS = [1, 2, 3, 4, 5, 6];
const PASSENGER_CUM = cumulativeWeights([70, 15, 5, 3, 4, 3]);
const JFK_FLAT_FARE = 70;
const BRIDGE_TOLL = 6.94;
const MILES_PER_DEGREE_LAT = 69.05;

export interface TaxiOptions extends WorkloadOptions {
  /** Share of trips that end at JFK or LaGuardia. Default 0.08. */
  airportShare?: number;
}

function haversineMiles(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 3958.8 * Math.asin(Math.sqrt(a));
}

export class TaxiWorkload implements Workload {
  private readonly rng: Prng;
  private readonly times = new IsoTimestamps();
  private readonly pickupTimes = new IsoTimestamps();
  private seq = 0;
  private readonly hotShare: number;
  private readonly airportShare: number;

  constructor(options: TaxiOptions) {
    this.rng = new Prng(options.seed);
    this.hotShare = options.hotKeyShare ?? 0;
    this.airportShare = options.airportShare ?? 0.08;
  }

  private point(): { lat: number; lon: number } {
    const h = this.rng.pickWeighted(HOTSPOTS, HOTSPOT_CUM);
    return {
      lat: clamp(this.rng.normal(h.lat, h.sd), NYC_BOUNDS.minLat, NYC_BOUNDS.maxLat),
      lon: clamp(this.rng.normal(h.lon, h.sd * 1.3), NYC_BOUNDS.minLon, NYC_BOUNDS.maxLon),
    };
  }

  next(nowMs: number): GeneratedEvent {
    const rng = this.rng;
    const pickup = this.point();
    const airport = rng.chance(this.airportShare) ? (rng.chance(0.6) ? 'JFK' : 'LGA') : undefined;
    let dropoff: { lat: number; lon: number };
    if (airport) {
      dropoff = AIRPORTS[airport];
    } else if (rng.chance(0.55)) {
      // Most city trips are short hops around the same neighbourhood.
      const miles = rng.logNormal(1.2, 0.6);
      const angle = rng.next() * 2 * Math.PI;
      dropoff = {
        lat: clamp(pickup.lat + (miles * Math.sin(angle)) / MILES_PER_DEGREE_LAT, NYC_BOUNDS.minLat, NYC_BOUNDS.maxLat),
        lon: clamp(pickup.lon + (miles * Math.cos(angle)) / 52.4, NYC_BOUNDS.minLon, NYC_BOUNDS.maxLon),
      };
    } else {
      dropoff = this.point();
    }
    // Streets are not straight lines: ~1.3x the great-circle distance.
    const distance = Math.max(0.1, haversineMiles(pickup.lat, pickup.lon, dropoff.lat, dropoff.lon) * 1.3);
    const mph = clamp(rng.logNormal(airport ? 19 : 11, 0.3), 3, 45);
    const durationMs = Math.round(((distance / mph) * 3600 + 45 + rng.next() * 90) * 1000);
    const minutes = durationMs / 60000;

    const fare = airport === 'JFK' ? JFK_FLAT_FARE : round(3 + 2.8 * distance + 0.35 * minutes, 2);
    const tolls = (airport && rng.chance(0.5)) || rng.chance(0.03) ? BRIDGE_TOLL : 0;
    const card = rng.chance(0.72);
    const tip = card && rng.chance(0.85) ? round(fare * rng.uniform(0.1, 0.25), 2) : 0;
    const hot = this.hotShare > 0 && rng.chance(this.hotShare);
    const tripId = `trip-${String(++this.seq).padStart(9, '0')}`;

    const event: TaxiEvent = {
      trip_id: tripId,
      vendor_id: rng.chance(0.55) ? 2 : 1,
      pickup_datetime: this.pickupTimes.format(nowMs - durationMs),
      dropoff_datetime: this.times.format(nowMs),
      pickup_latitude: round(pickup.lat, 6),
      pickup_longitude: round(pickup.lon, 6),
      dropoff_latitude: round(dropoff.lat, 6),
      dropoff_longitude: round(dropoff.lon, 6),
      passenger_count: rng.pickWeighted(PASSENGERS, PASSENGER_CUM),
      trip_distance: round(distance, 2),
      fare_amount: fare,
      tip_amount: tip,
      tolls_amount: tolls,
      total_amount: round(fare + tip + tolls, 2),
      payment_type: card ? 'card' : 'cash',
    };
    // Trips are unique, so the hot "entity" is a shared key: skew lands on one shard.
    return { event, key: hot ? TAXI_HOT_KEY : tripId, hot };
  }
}

export const TAXI_HOT_KEY = 'trip-hot';
