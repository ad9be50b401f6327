/**
 * The metric queries follow the application's RuntimeEnvironment from DescribeApplication: Managed Flink
 * publishes fullRestarts up to FLINK-1_20 and numRestarts from FLINK-2_2, so a run on a newer runtime must
 * ask for the new name or it would never see a restart. The SDK clients are answered by the twin.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applicationState } from '../../../calibration/adapters/application-control';
import { runAwsCalibration } from '../../../calibration/aws/run';
import { twinBackedAws, type TwinBackedAws } from './twin-backed-aws';

function restartMetricNames(t: TwinBackedAws | undefined): string[] {
  const names = new Set<string>();
  for (const request of t!.metricRequests()) {
    for (const q of request.MetricDataQueries ?? []) {
      if (q.Id?.startsWith('restarts_')) names.add(q.MetricStat!.Metric!.MetricName!);
    }
  }
  return [...names];
}

describe('metric names by Managed Flink runtime', () => {
  let t: TwinBackedAws | undefined;
  afterEach(() => t?.restoreMocks());
  const args = () => ({
    app: t!.scenario.application, stream: t!.scenario.stream.name, rate: 5200, recordBytes: 450, out: join(mkdtempSync(join(tmpdir(), 'kpufit-aws-')), 'report'), json: true,
  });

  it('reads the runtime from DescribeApplication', () => {
    expect(applicationState({ ApplicationName: 'a', ApplicationStatus: 'RUNNING', RuntimeEnvironment: 'FLINK-2_2' } as never).runtime).toBe('FLINK-2_2');
    expect(applicationState({ ApplicationName: 'a', ApplicationStatus: 'RUNNING' } as never)).not.toHaveProperty('runtime');
  });

  it('asks for fullRestarts on FLINK-1_20', async () => {
    const twin = twinBackedAws('taxi-io-bound.json');
    t = twin;
    const { report } = await runAwsCalibration(args(), twin.deps);
    expect(report!.verdict).toBe('recommended');
    expect(restartMetricNames(t)).toEqual(['fullRestarts']);
  });

  it('asks for numRestarts on FLINK-2_2', async () => {
    const twin = twinBackedAws('taxi-io-bound.json');
    t = twin;
    twin.handlers.describeApplication = async (input) => {
      const out = await twin.twinHandlers.describeApplication(input);
      return { ...out, ApplicationDetail: { ...out.ApplicationDetail!, RuntimeEnvironment: 'FLINK-2_2' } };
    };
    const outcome = await runAwsCalibration(args(), twin.deps).then((r) => r.report!.verdict, (e: Error) => e.message);
    // The twin publishes no numRestarts series: restarts are optional evidence, so the run still completes.
    expect(outcome).toBe('recommended');
    expect(restartMetricNames(t)).toEqual(['numRestarts']);
  });
});
