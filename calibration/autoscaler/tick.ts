/**
 * One run of the autoscaler, through its ports only: describe the application, load the state, read the
 * metrics of the minutes its rolling window does not hold yet, run the policy, apply its decision with UpdateApplication (the current version id; a
 * concurrent change is not an error, the next minute decides again), save the state and tell the topic.
 * The Lambda calls this every minute against AWS; `kpufit autoscale simulate` against the twin.
 */
import type { ApplicationControl, Clock, MetricsSource } from '../ports';
import type { Pricing } from '../../core/pricing';
import type { JobModel } from './job-model';
import type { AutoscalerOptions } from './options';
import { mergeWindow, spanToRead, windowToKeep } from './metric-window';
import { decide, initialState, type AutoscalerState, type Decision } from './policy';

/** Where the model, the history and the cooldowns live between runs (a DynamoDB item on AWS). */
export interface AutoscalerStore {
  load(): Promise<AutoscalerState | null>;
  save(state: AutoscalerState): Promise<void>;
}

export interface DecisionNotice {
  application: string;
  atMs: number;
  decision: Decision;
  outcome: TickOutcome;
}

/** Who hears of each scaling decision (an SNS topic on AWS). */
export interface DecisionNotifier {
  notify(notice: DecisionNotice): Promise<void>;
}

export interface AutoscalerPorts {
  control: ApplicationControl;
  metrics: MetricsSource;
  store: AutoscalerStore;
  notifier: DecisionNotifier;
  clock: Clock;
}

export interface AutoscalerSettings {
  application: string;
  slo: { maxLagMs: number };
  options: AutoscalerOptions;
  /** The model to start from when the store holds none (model.json, or the priors). */
  initialModel: JobModel;
  pricing?: Pricing;
  /**
   * Seconds CloudWatch takes to publish a minute completely: the policy decides as of this long ago, so
   * it never learns from a half-published minute. Default 0 (the twin); the Lambda uses 120.
   */
  metricsDelaySeconds?: number;
}

/** kept: no change; updated: UpdateApplication accepted; conflict: someone else changed the application first. */
export type TickOutcome = 'kept' | 'updated' | 'conflict';

export interface TickResult {
  decision: Decision;
  outcome: TickOutcome;
  state: AutoscalerState;
}

/** AWS errors that mean "not now", not "broken": the application changed or is busy. */
const RETRY_NEXT_MINUTE = new Set(['ConcurrentModificationException', 'ResourceInUseException']);

export async function autoscaleTick(ports: AutoscalerPorts, settings: AutoscalerSettings): Promise<TickResult> {
  const nowMs = ports.clock.now() - (settings.metricsDelaySeconds ?? 0) * 1000;
  const app = await ports.control.describe();
  const previous = (await ports.store.load()) ?? initialState(settings.initialModel);
  const windowMinutes = settings.options.scaleDownStabilizationMinutes + 5;
  // Only the minutes not yet kept in the state (and a short overlap) are read; the rest of the window is
  // the state's own copy.
  const span = spanToRead(previous.recent, nowMs, windowMinutes);
  const metrics = mergeWindow(span.kept, await ports.metrics.read(span.fromMs, nowMs));
  const decided = decide({ nowMs, application: app, metrics, slo: settings.slo, pricing: settings.pricing }, previous, settings.options);
  const decision = decided.decision;
  const state: AutoscalerState = { ...decided.state, recent: windowToKeep(metrics, nowMs) };

  let outcome: TickOutcome = 'kept';
  let saved = state;
  if (decision.action === 'scale' && decision.target) {
    try {
      await ports.control.updateParallelism({ ...decision.target, autoScalingEnabled: false }, app.versionId);
      outcome = 'updated';
    } catch (err) {
      if (!RETRY_NEXT_MINUTE.has((err as Error).name)) throw err;
      // The change did not happen: forget it, so no cooldown starts and the next run decides afresh.
      outcome = 'conflict';
      saved = { ...state, events: state.events.slice(0, -1) };
      decision.reason = `${decision.reason} (not applied: ${(err as Error).name}, retrying next minute)`;
    }
  }
  await ports.store.save(saved);
  if (outcome !== 'kept') await ports.notifier.notify({ application: settings.application, atMs: nowMs, decision, outcome });
  return { decision, outcome, state: saved };
}

/**
 * A store in memory: the simulator's, and the Lambda's tests'. By default it keeps a copy, as a real
 * store would; `{ copy: false }` keeps the state itself, which is safe because the policy never changes
 * a state it was given (it returns a new one), and spares `kpufit autoscale simulate` two deep copies of
 * the window and the input history every simulated minute.
 */
export class MemoryAutoscalerStore implements AutoscalerStore {
  private readonly copy: boolean;

  constructor(private state: AutoscalerState | null = null, options: { copy?: boolean } = {}) {
    this.copy = options.copy ?? true;
  }

  async load(): Promise<AutoscalerState | null> {
    if (this.state === null) return null;
    return this.copy ? structuredClone(this.state) : this.state;
  }

  async save(state: AutoscalerState): Promise<void> {
    this.state = this.copy ? structuredClone(state) : state;
  }
}
