/**
 * Progress for long-running commands, always on stderr (stdout is kept for --json): a redrawn bar on a
 * TTY, a plain line every `intervalMs` otherwise (CI logs, pipes).
 */
export interface ProgressOptions {
  /** Total units of work, if known: the bar shows a fraction. */
  total?: number;
  /** Minimum time between plain lines when stderr is not a TTY. Default 5000 ms. */
  intervalMs?: number;
  stream?: NodeJS.WriteStream;
  /** Silence everything (tests, --quiet). */
  quiet?: boolean;
}

export class Progress {
  private lastLine = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private drawn = false;

  constructor(private readonly label: string, private readonly options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY) && process.env.CI !== 'true';
  }

  /** `done` units of `total`, plus a free-form status (rate, lag, trial...). */
  update(done: number, status: string, now = Date.now()): void {
    if (this.options.quiet) return;
    const total = this.options.total;
    if (this.tty) {
      const width = 24;
      const frac = total ? Math.min(1, done / total) : 0;
      const bar = total ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ${(frac * 100).toFixed(0).padStart(3)}% ` : '';
      const columns = this.stream.columns ?? 100;
      this.stream.write(`\r${`${this.label} ${bar}${status}`.slice(0, columns - 1).padEnd(columns - 1)}`);
      this.drawn = true;
      return;
    }
    if (now - this.lastLine < (this.options.intervalMs ?? 5000)) return;
    this.lastLine = now;
    const pct = total ? ` ${Math.min(100, (100 * done) / total).toFixed(0)}%` : '';
    this.stream.write(`${this.label}${pct} ${status}\n`);
  }

  /** A line that must always appear (a trial's verdict, a warning). */
  log(line: string): void {
    if (this.options.quiet) return;
    if (this.tty && this.drawn) this.stream.write('\r\x1b[K');
    this.stream.write(`${line}\n`);
    this.drawn = false;
  }

  done(summary?: string): void {
    if (this.options.quiet) return;
    if (this.tty && this.drawn) this.stream.write('\r\x1b[K');
    if (summary) this.stream.write(`${summary}\n`);
    this.drawn = false;
  }
}
