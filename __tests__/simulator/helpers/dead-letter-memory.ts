/** Keeps dead letters in memory, so producer tests can read back what was given up on. */
import type { DeadLetter, DeadLetterSink } from '../../../simulator/producers/dead-letter';

export class DeadLetterMemory implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  constructor(private readonly limit = 10_000) {}

  write(letters: DeadLetter[]): void {
    for (const l of letters) if (this.letters.length < this.limit) this.letters.push(l);
  }
}
