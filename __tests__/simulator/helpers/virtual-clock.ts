/** Simulated time for tests: paced runs finish in milliseconds, and exactly, whatever the machine load. */
import { ManualClock, OrderedSleepClock } from '../../../simulator/ordered-clock';

export const T0 = Date.UTC(2026, 0, 15, 8, 0, 0);

export const virtualClock = (start = T0) => new OrderedSleepClock(new ManualClock(start));
