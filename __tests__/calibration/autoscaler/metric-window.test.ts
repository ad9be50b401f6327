/**
 * The rolling window the autoscaler keeps in its state: which span a run reads, how a fresh reading
 * replaces a kept one, and what is kept for the next run.
 */
import { mergeWindow, REREAD_MINUTES, spanToRead, windowToKeep } from '../../../calibration/autoscaler/metric-window';
import { blank, T0 } from './minutes';

const minute = (i: number) => ({ ...blank(T0 + i * 60000), incomingRecords: 1000 * i });

describe('spanToRead', () => {
  it('reads the whole window when nothing is kept (first run, or a state saved before the window existed)', () => {
    const now = T0 + 100 * 60000;
    expect(spanToRead(undefined, now, 65)).toEqual({ fromMs: T0 + 35 * 60000, kept: [] });
    expect(spanToRead([], now, 65)).toEqual({ fromMs: T0 + 35 * 60000, kept: [] });
  });

  it('starts the window on a whole minute when the clock is not on one (the Lambda decides as of now - 120 s)', () => {
    expect(spanToRead(undefined, T0 + 100 * 60000 + 17000, 65).fromMs).toBe(T0 + 35 * 60000);
  });

  it(`re-reads only the ${REREAD_MINUTES} newest kept minutes and what came after them`, () => {
    const kept = Array.from({ length: 65 }, (_, i) => minute(35 + i)); // minutes 35..99
    const span = spanToRead(kept, T0 + 101 * 60000, 65);
    expect(span.fromMs).toBe(T0 + 98 * 60000);
    // Minutes before the window (35) are dropped; 98 and 99 are read again.
    expect(span.kept.map((m) => (m.startMs - T0) / 60000)).toEqual(Array.from({ length: 62 }, (_, i) => 36 + i));
  });

  it('reads the whole window again when every kept minute is older than it (the autoscaler was off)', () => {
    expect(spanToRead([minute(1), minute(2)], T0 + 500 * 60000, 65)).toEqual({ fromMs: T0 + 435 * 60000, kept: [] });
  });
});

describe('mergeWindow and windowToKeep', () => {
  it('puts the fresh minutes after the kept ones, a fresh reading of a minute replacing the kept one', () => {
    const late = { ...minute(3), incomingRecords: 99 };
    expect(mergeWindow([minute(1), minute(2), minute(3)], [late, minute(4)])).toEqual([minute(1), minute(2), late, minute(4)]);
  });

  it('keeps the complete minutes only: a minute still being published is read again next time', () => {
    expect(windowToKeep([minute(1), minute(2), minute(3)], T0 + 3 * 60000 + 30000)).toEqual([minute(1), minute(2)]);
  });
});
