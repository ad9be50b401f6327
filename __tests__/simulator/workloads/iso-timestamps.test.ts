/** The fast timestamp formatter prints exactly what toISOString prints. */
import { IsoTimestamps } from '../../../simulator/workloads/workload';
import { Prng } from '../../../core/prng';

it('agrees with Date.prototype.toISOString across minutes, days, years and before 1970', () => {
  const iso = new IsoTimestamps();
  const rng = new Prng(1);
  const samples = [0, -1, -60000, 59_999, 60_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2026, 11, 31, 23, 59, 59, 999) + 1];
  for (let i = 0; i < 20_000; i++) samples.push(Math.floor(rng.uniform(-1e12, 4e12)));
  // Runs of nearby times exercise the per-minute cache.
  for (let t = Date.UTC(2026, 0, 15); t < Date.UTC(2026, 0, 15) + 300_000; t += 997) samples.push(t);
  const wrong = samples.filter((t) => iso.format(t) !== new Date(t).toISOString());
  expect(wrong).toEqual([]);
});
