import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'events');

export function fixtureLines(name: string): string[] {
  return readFileSync(join(FIXTURES, name), 'utf8').split('\n').filter((l) => l.trim().length > 0);
}

/** Parses a JSON line, or returns the parse error: malformed fixtures include broken JSON. */
export function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    return err;
  }
}
