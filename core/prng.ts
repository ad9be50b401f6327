/**
 * A small, fast, seeded PRNG (mulberry32) with the draws the workloads need. Everything the load
 * generator randomises goes through one of these, so a seed reproduces a run record for record.
 */
export class Prng {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    // Mix the seed once so nearby seeds (1, 2, 3...) start far apart.
    this.state = (Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight; `cumulative` is the running sum of the weights (see cumulativeWeights). */
  pickWeighted<T>(items: readonly T[], cumulative: readonly number[]): T {
    const x = this.next() * cumulative[cumulative.length - 1];
    for (let i = 0; i < cumulative.length; i++) if (x < cumulative[i]) return items[i];
    return items[items.length - 1];
  }

  /** Normal (Marsaglia's polar method: no trigonometry; the pair's second value serves the next call). */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return mean + sd * u * f;
  }

  /** Log-normal with the given median: long right tails, like trip lengths and prices. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  /** 32 random bits as 8 hex digits. */
  hex8(): string {
    return (Math.floor(this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
  }
}

export function cumulativeWeights(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}
