/**
 * The series behind each signal, before anything changes: a wrong name, dimension or metric group would
 * otherwise blind every trial (an alarm that never fires, a calibrator that stops after two blind trials).
 */
import type { MetricsSource, SeriesDiscovery } from '../ports';
import { CalibrationPreconditionError, type CalibrationOptions } from './types';

export async function discoverSeries(metrics: MetricsSource, options: Pick<CalibrationOptions, 'application' | 'stream'>): Promise<SeriesDiscovery | undefined> {
  if (!metrics.discover) return undefined;
  const found = await metrics.discover();
  if (found.missing.length > 0) {
    const listed = found.found.length === 0 ? 'none' : found.found.map(seriesLabel).join('; ');
    throw new CalibrationPreconditionError(
      `metrics: no series for ${found.missing.join(' and ')} of application ${options.application} reading ${options.stream}` +
      `${found.notes.length > 0 ? ` (${found.notes.join('; ')})` : ''}; series listed for the application and the stream: ${listed}. ` +
      'Check the application and stream names, that the job publishes millisBehindLatest under kinesisanalytics → Id → Flow=Input (docs/metrics.md), and that it has run recently',
    );
  }
  return found;
}

const seriesLabel = (s: { namespace: string; name: string; dimensions: Record<string, string> }) =>
  `${s.namespace} ${s.name} {${Object.entries(s.dimensions).map(([k, v]) => `${k}=${v}`).join(', ')}}`;
