/**
 * Where records go that the target never acknowledged: a JSON-lines file, created on the first failure so
 * a clean run leaves nothing behind. Written synchronously: a dead letter must survive a crash right after.
 */
import { appendFileSync } from 'node:fs';

export interface DeadLetter {
  partitionKey: string;
  /** The record as sent (UTF-8). */
  data: string;
  /** Why it was given up on: the last ErrorCode / exception name, RecordTooLarge, or Aborted. */
  errorCode: string;
  errorMessage: string;
  attempts: number;
}

export interface DeadLetterSink {
  write(letters: DeadLetter[]): void;
}

export class DeadLetterFile implements DeadLetterSink {
  written = 0;

  constructor(readonly path: string) {}

  write(letters: DeadLetter[]): void {
    if (letters.length === 0) return;
    appendFileSync(this.path, letters.map((l) => `${JSON.stringify(l)}\n`).join(''));
    this.written += letters.length;
  }
}
