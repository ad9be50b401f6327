/** DescribeApplication / UpdateApplication / StartApplication / operations over the twin, as AWS behaves. */
import { Twin } from '../../../simulator/twin';
import { APP, awsErrorOf, parallelismUpdate, scenario, version } from './fixtures';

async function describe_(twin: Twin) {
  return (await twin.kinesisAnalytics.describeApplication({ ApplicationName: APP })).ApplicationDetail!;
}

describe('DescribeApplication', () => {
  it('returns ApplicationDetail in the SDK shape, RUNNING at the scenario initial configuration', async () => {
    const twin = Twin.fromScenario(scenario({ initial: { parallelism: 6, parallelismPerKpu: 2, autoScalingEnabled: true } }));
    expect(await describe_(twin)).toMatchObject({
      ApplicationName: APP,
      ApplicationARN: `arn:aws:kinesisanalytics:us-east-1:123456789012:application/${APP}`,
      ApplicationStatus: 'RUNNING',
      ApplicationVersionId: 1,
      RuntimeEnvironment: 'FLINK-1_20',
      ApplicationConfigurationDescription: {
        FlinkApplicationConfigurationDescription: {
          ParallelismConfigurationDescription: {
            ConfigurationType: 'CUSTOM', Parallelism: 6, ParallelismPerKPU: 2, CurrentParallelism: 6, AutoScalingEnabled: true,
          },
        },
      },
    });
  });

  it('takes the configuration and status from the options', async () => {
    const twin = Twin.fromScenario(scenario(), { startStatus: 'READY', parallelism: 3, parallelismPerKpu: 3, autoScalingEnabled: false });
    const d = await describe_(twin);
    expect(d.ApplicationStatus).toBe('READY');
    expect(d.ApplicationConfigurationDescription!.FlinkApplicationConfigurationDescription!.ParallelismConfigurationDescription)
      .toMatchObject({ Parallelism: 3, ParallelismPerKPU: 3, AutoScalingEnabled: false });
  });

  it('throws ResourceNotFoundException for another application, in the SDK ServiceException shape', async () => {
    const err = await awsErrorOf(Twin.fromScenario(scenario()).kinesisAnalytics.describeApplication({ ApplicationName: 'other' }));
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'ResourceNotFoundException', $fault: 'client' });
    expect(err.message).toMatch(/Application other is not found/);
  });
});

describe('StartApplication', () => {
  it('READY -> STARTING for job.startSeconds -> RUNNING, with an operation that ends SUCCESSFUL', async () => {
    const twin = Twin.fromScenario(scenario(), { startStatus: 'READY' });
    const { OperationId } = await twin.kinesisAnalytics.startApplication({ ApplicationName: APP });
    expect((await describe_(twin)).ApplicationStatus).toBe('STARTING');
    twin.advance(59);
    expect((await describe_(twin)).ApplicationStatus).toBe('STARTING');
    twin.advance(1);
    expect((await describe_(twin)).ApplicationStatus).toBe('RUNNING');
    const op = await twin.kinesisAnalytics.describeApplicationOperation!({ ApplicationName: APP, OperationId });
    expect(op.ApplicationOperationInfoDetails).toMatchObject({
      Operation: 'StartApplication', OperationStatus: 'SUCCESSFUL',
      StartTime: new Date(Date.UTC(2026, 0, 1)), EndTime: new Date(Date.UTC(2026, 0, 1, 0, 1)),
    });
  });

  it('refuses UpdateApplication while STARTING with ResourceInUseException', async () => {
    const twin = Twin.fromScenario(scenario(), { startStatus: 'READY' });
    await twin.kinesisAnalytics.startApplication({ ApplicationName: APP });
    const err = await awsErrorOf(twin.kinesisAnalytics.updateApplication(parallelismUpdate(2, 1, 1)));
    expect(err).toMatchObject({ name: 'ResourceInUseException', $fault: 'client' });
    expect(err.message).toMatch(/STARTING status/);
  });

  it('throws ResourceInUseException when the application is not READY', async () => {
    const err = await awsErrorOf(Twin.fromScenario(scenario()).kinesisAnalytics.startApplication({ ApplicationName: APP }));
    expect(err.name).toBe('ResourceInUseException');
    expect(err.message).toMatch(/RUNNING status/);
  });
});

describe('UpdateApplication', () => {
  it('RUNNING -> UPDATING for D = restartSeconds + stateMb / snapshotMbps -> RUNNING with the new configuration, version + 1', async () => {
    const twin = Twin.fromScenario(scenario()); // D = 30 + 500 / 50 = 40 s
    const res = await twin.kinesisAnalytics.updateApplication(parallelismUpdate(12, 4, 1));
    expect(res.OperationId).toEqual(expect.any(String));
    let d = await describe_(twin);
    expect(d.ApplicationStatus).toBe('UPDATING');
    expect(d.ApplicationVersionId).toBe(1);
    expect(d.ApplicationConfigurationDescription!.FlinkApplicationConfigurationDescription!.ParallelismConfigurationDescription)
      .toMatchObject({ Parallelism: 12, ParallelismPerKPU: 4, CurrentParallelism: 8 });
    const ops = await twin.kinesisAnalytics.listApplicationOperations!({ ApplicationName: APP });
    expect(ops.ApplicationOperationInfoList).toEqual([
      expect.objectContaining({ Operation: 'UpdateApplication', OperationId: res.OperationId, OperationStatus: 'IN_PROGRESS' }),
    ]);
    twin.advance(39);
    expect((await describe_(twin)).ApplicationStatus).toBe('UPDATING');
    twin.advance(1);
    d = await describe_(twin);
    expect(d.ApplicationStatus).toBe('RUNNING');
    expect(d.ApplicationVersionId).toBe(2);
    expect(d.ApplicationConfigurationDescription!.FlinkApplicationConfigurationDescription!.ParallelismConfigurationDescription)
      .toMatchObject({ Parallelism: 12, ParallelismPerKPU: 4, CurrentParallelism: 12 });
    const op = await twin.kinesisAnalytics.describeApplicationOperation!({ ApplicationName: APP, OperationId: res.OperationId });
    expect(op.ApplicationOperationInfoDetails).toMatchObject({
      OperationStatus: 'SUCCESSFUL', ApplicationVersionChangeDetails: { ApplicationVersionUpdatedFrom: 1, ApplicationVersionUpdatedTo: 2 },
    });
  });

  it('applies at once while READY', async () => {
    const twin = Twin.fromScenario(scenario(), { startStatus: 'READY' });
    await twin.kinesisAnalytics.updateApplication(parallelismUpdate(2, 1, 1, true));
    const d = await describe_(twin);
    expect(d.ApplicationStatus).toBe('READY');
    expect(d.ApplicationVersionId).toBe(2);
    expect(d.ApplicationConfigurationDescription!.FlinkApplicationConfigurationDescription!.ParallelismConfigurationDescription)
      .toMatchObject({ Parallelism: 2, ParallelismPerKPU: 1, CurrentParallelism: 2, AutoScalingEnabled: true });
  });

  it('keeps what the update leaves out, and ConfigurationTypeUpdate DEFAULT restores 1 / 1 / autoscaling', async () => {
    const twin = Twin.fromScenario(scenario(), { startStatus: 'READY' });
    await twin.kinesisAnalytics.updateApplication({
      ApplicationName: APP, CurrentApplicationVersionId: 1,
      ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ParallelismUpdate: 5 } } },
    });
    let p = (await describe_(twin)).ApplicationConfigurationDescription!.FlinkApplicationConfigurationDescription!.ParallelismConfigurationDescription;
    expect(p).toMatchObject({ Parallelism: 5, ParallelismPerKPU: 4, AutoScalingEnabled: false });
    await twin.kinesisAnalytics.updateApplication({
      ApplicationName: APP, CurrentApplicationVersionId: 2,
      ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'DEFAULT' } } },
    });
    p = (await describe_(twin)).ApplicationConfigurationDescription!.FlinkApplicationConfigurationDescription!.ParallelismConfigurationDescription;
    expect(p).toMatchObject({ Parallelism: 1, ParallelismPerKPU: 1, AutoScalingEnabled: true });
  });

  it('throws ConcurrentModificationException for a stale CurrentApplicationVersionId', async () => {
    const twin = Twin.fromScenario(scenario(), { startStatus: 'READY' });
    await twin.kinesisAnalytics.updateApplication(parallelismUpdate(2, 1, 1));
    const err = await awsErrorOf(twin.kinesisAnalytics.updateApplication(parallelismUpdate(3, 1, 1)));
    expect(err).toMatchObject({ name: 'ConcurrentModificationException', $fault: 'client' });
    expect(err.message).toMatch(/version id 1 does not match the latest application version id 2/);
  });

  it('throws ResourceInUseException while UPDATING', async () => {
    const twin = Twin.fromScenario(scenario());
    await twin.kinesisAnalytics.updateApplication(parallelismUpdate(12, 4, 1));
    const err = await awsErrorOf(twin.kinesisAnalytics.updateApplication(parallelismUpdate(16, 4, 1)));
    expect(err.name).toBe('ResourceInUseException');
    expect(err.message).toMatch(/UPDATING status/);
  });

  it.each([
    [0, 1, /parallelismUpdate' failed to satisfy constraint: Member must have value greater than or equal to 1/],
    [4, 9, /parallelismPerKPUUpdate' failed to satisfy constraint: Member must have value less than or equal to 8/],
    [4, 0, /parallelismPerKPUUpdate' failed to satisfy constraint: Member must have value greater than or equal to 1/],
    [2.5, 1, /parallelismUpdate' failed/],
  ])('throws InvalidArgumentException for Parallelism %p, ParallelismPerKPU %p', async (p, k, message) => {
    const err = await awsErrorOf(Twin.fromScenario(scenario()).kinesisAnalytics.updateApplication(parallelismUpdate(p, k, 1)));
    expect(err.name).toBe('InvalidArgumentException');
    expect(err.message).toMatch(message);
  });

  it('throws InvalidArgumentException without CurrentApplicationVersionId or ConditionalToken', async () => {
    const err = await awsErrorOf(Twin.fromScenario(scenario()).kinesisAnalytics.updateApplication({ ApplicationName: APP }));
    expect(err.name).toBe('InvalidArgumentException');
  });

  it('throws LimitExceededException above limits.maxKpu or limits.maxParallelism', async () => {
    const twin = Twin.fromScenario(scenario({ limits: { maxKpu: 4, maxParallelism: 20 } }));
    const kpus = await awsErrorOf(twin.kinesisAnalytics.updateApplication(parallelismUpdate(5, 1, 1)));
    expect(kpus.name).toBe('LimitExceededException');
    expect(kpus.message).toMatch(/5 KPUs, which exceeds the maximum of 4 KPUs/);
    const p = await awsErrorOf(twin.kinesisAnalytics.updateApplication(parallelismUpdate(24, 8, 1)));
    expect(p.name).toBe('LimitExceededException');
    expect(p.message).toMatch(/Parallelism 24 exceeds the maximum allowed parallelism of 20/);
    expect(await version(twin)).toBe(1);
  });

  it('throws ResourceNotFoundException for another application or an unknown operation', async () => {
    const twin = Twin.fromScenario(scenario());
    expect((await awsErrorOf(twin.kinesisAnalytics.updateApplication({ ...parallelismUpdate(2, 1, 1), ApplicationName: 'x' }))).name)
      .toBe('ResourceNotFoundException');
    expect((await awsErrorOf(twin.kinesisAnalytics.describeApplicationOperation!({ ApplicationName: APP, OperationId: 'nope' }))).name)
      .toBe('ResourceNotFoundException');
  });
});

describe('ListApplicationOperations', () => {
  it('lists newest first, filters by status, pages with Limit and NextToken', async () => {
    const twin = Twin.fromScenario(scenario(), { startStatus: 'READY' });
    const ka = twin.kinesisAnalytics;
    await ka.updateApplication(parallelismUpdate(2, 1, 1));
    await ka.updateApplication(parallelismUpdate(3, 1, 2));
    const started = await ka.startApplication({ ApplicationName: APP });
    const page1 = await ka.listApplicationOperations!({ ApplicationName: APP, Limit: 2 });
    expect(page1.ApplicationOperationInfoList!.map((o) => o.Operation)).toEqual(['StartApplication', 'UpdateApplication']);
    const page2 = await ka.listApplicationOperations!({ ApplicationName: APP, Limit: 2, NextToken: page1.NextToken });
    expect(page2.ApplicationOperationInfoList).toHaveLength(1);
    expect(page2.NextToken).toBeUndefined();
    const inProgress = await ka.listApplicationOperations!({ ApplicationName: APP, OperationStatus: 'IN_PROGRESS' });
    expect(inProgress.ApplicationOperationInfoList!.map((o) => o.OperationId)).toEqual([started.OperationId]);
  });
});
