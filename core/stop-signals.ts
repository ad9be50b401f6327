/**
 * How a kpufit process stops on a signal. SIGINT (Ctrl-C), SIGTERM (a CI runner, `kill`, `timeout`) and
 * SIGHUP (a closed terminal) all take one path: the first one aborts `signal` with an InterruptedError
 * naming it, so the run stops its load, undoes what it changed and reports; a second one, of any kind, is
 * the only way to skip that, and says so before the process ends by the first signal (exit 128 + n).
 */
import { InterruptedError, type StopSignal } from './errors';

export const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface StopSignalsOptions {
  /** Where signals come from. @default process */
  source?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  /**
   * What the first signal starts, e.g. "stopping the load and restoring the original configuration"; a
   * function when that depends on the phase the run is in.
   */
  stopping: string | (() => string);
  /** What a second signal skips, e.g. "restoring the original configuration". */
  skipping: string;
  /** Where the two notices go (the progress stream). */
  log(line: string): void;
  /**
   * Ends the process at once after a second signal.
   * @default re-raises the first signal with its default action, so the exit status is 128 + its number
   */
  exitNow?(signal: StopSignal): void;
}

export class StopSignals {
  readonly #controller = new AbortController();
  readonly #listeners = new Map<StopSignal, () => void>();
  #first?: StopSignal;

  constructor(private readonly options: StopSignalsOptions) {
    const source = options.source ?? process;
    for (const name of STOP_SIGNALS) {
      const listener = () => this.#receive(name);
      this.#listeners.set(name, listener);
      source.on(name, listener);
    }
  }

  /** Aborted at the first signal; its reason is an InterruptedError naming the signal. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The first signal received, if any. */
  get received(): StopSignal | undefined {
    return this.#first;
  }

  /** Stops listening: from here on a signal has its default action again. */
  dispose(): void {
    const source = this.options.source ?? process;
    for (const [name, listener] of this.#listeners) source.off(name, listener);
    this.#listeners.clear();
  }

  #receive(name: StopSignal): void {
    if (this.#first === undefined) {
      this.#first = name;
      const stopping = typeof this.options.stopping === 'function' ? this.options.stopping() : this.options.stopping;
      this.options.log(`${name}: ${stopping} (send another signal to exit at once WITHOUT ${this.options.skipping})`);
      this.#controller.abort(new InterruptedError(`interrupted by ${name}`, name));
      return;
    }
    this.options.log(`second signal (${name}): exiting WITHOUT ${this.options.skipping}`);
    const first = this.#first;
    this.dispose();
    (this.options.exitNow ?? reraise)(first);
  }
}

function reraise(signal: StopSignal): void {
  process.kill(process.pid, signal);
}
