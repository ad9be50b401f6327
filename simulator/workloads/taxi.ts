/**
 * NYC yellow-cab trips, one event when a trip ends (the fixtures' event time is dropoff_datetime), with
 * the public TLC dataset's snake_case fields. Pickups cluster around Manhattan hotspots and the boroughs;
 * a share of trips go to JFK or LaGuardia with the flat fare and tolls those trips carry.
 */
import { cumulativeWeights, Prng } from '../../core/prng';
import type { TaxiEvent } from '../../core/event-schemas';
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
/** At 40.73° N, the middle of the city. */
const MILES_PER_DEGREE_LON = 69.17 * Math.cos((40.73 * Math.PI) / 180);

export interface TaxiOptions extends WorkloadOptions {
  /** Share of trips that end at JFK or LaGuardia. Default 0.08. */
  airportShare?: number;
}

/**
 * Straight-line miles between two points in the city: an equirectangular projection at NYC's latitude,
 * within 0.5% of the great circle at these distances and far cheaper than haversine.
 */
function cityMiles(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dy = (lat2 - lat1) * MILES_PER_DEGREE_LAT;
  const dx = (lon2 - lon1) * MILES_PER_DEGREE_LON;
  return Math.sqrt(dx * dx + dy * dy);
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

  /** A random point near a weighted hotspot, written to pointLat/pointLon (no object per call). */
  private pointLat = 0;
  private pointLon = 0;
  private point(): void {
    const h = this.rng.pickWeighted(HOTSPOTS, HOTSPOT_CUM);
    this.pointLat = clamp(this.rng.normal(h.lat, h.sd), NYC_BOUNDS.minLat, NYC_BOUNDS.maxLat);
    this.pointLon = clamp(this.rng.normal(h.lon, h.sd * 1.3), NYC_BOUNDS.minLon, NYC_BOUNDS.maxLon);
  }

  next(nowMs: number): GeneratedEvent {
    const rng = this.rng;
    this.point();
    const pickupLat = this.pointLat;
    const pickupLon = this.pointLon;
    const airport = rng.chance(this.airportShare) ? (rng.chance(0.6) ? 'JFK' : 'LGA') : undefined;
    let dropoffLat: number;
    let dropoffLon: number;
    if (airport) {
      dropoffLat = AIRPORTS[airport].lat;
      dropoffLon = AIRPORTS[airport].lon;
    } else if (rng.chance(0.55)) {
      // Most city trips are short hops around the same neighbourhood.
      const miles = rng.logNormal(1.2, 0.6);
      const angle = rng.next() * 2 * Math.PI;
      dropoffLat = clamp(pickupLat + (miles * Math.sin(angle)) / MILES_PER_DEGREE_LAT, NYC_BOUNDS.minLat, NYC_BOUNDS.maxLat);
      dropoffLon = clamp(pickupLon + (miles * Math.cos(angle)) / MILES_PER_DEGREE_LON, NYC_BOUNDS.minLon, NYC_BOUNDS.maxLon);
    } else {
      this.point();
      dropoffLat = this.pointLat;
      dropoffLon = this.pointLon;
    }
    // Streets are not straight lines: ~1.3x the great-circle distance.
    const distance = Math.max(0.1, cityMiles(pickupLat, pickupLon, dropoffLat, dropoffLon) * 1.3);
    const mph = clamp(rng.logNormal(airport ? 19 : 11, 0.3), 3, 45);
    const durationMs = Math.round(((distance / mph) * 3600 + 45 + rng.next() * 90) * 1000);
    const minutes = durationMs / 60000;

    const fare = airport === 'JFK' ? JFK_FLAT_FARE : round(3 + 2.8 * distance + 0.35 * minutes, 2);
    const tolls = (airport && rng.chance(0.5)) || rng.chance(0.03) ? BRIDGE_TOLL : 0;
    const card = rng.chance(0.72);
    const tip = card && rng.chance(0.85) ? round(fare * rng.uniform(0.1, 0.25), 2) : 0;
    const hot = this.hotShare > 0 && rng.chance(this.hotShare);
    // 12 characters: V8 keeps strings that short flat, so JSON.stringify copies instead of walking a rope.
    const tripId = `trip-${String(++this.seq).padStart(7, '0')}`;

    const event: TaxiEvent = {
      trip_id: tripId,
      vendor_id: rng.chance(0.55) ? 2 : 1,
      pickup_datetime: this.pickupTimes.formatSecond(nowMs - durationMs),
      dropoff_datetime: this.times.format(nowMs),
      pickup_latitude: round(pickupLat, 6),
      pickup_longitude: round(pickupLon, 6),
      dropoff_latitude: round(dropoffLat, 6),
      dropoff_longitude: round(dropoffLon, 6),
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
