/**
 * Managed Service for Apache Flink's control plane over HTTP, for a spawned `kpufit calibrate --target
 * aws` (no emulator exists for it: moto has no UpdateApplication). It speaks the service's JSON 1.1
 * protocol for the four calls the calibrator makes, keeps one application per name (created on first
 * sight at `initial`), applies an update at once, and records every UpdateApplication so a test can
 * assert what the process changed and whether it put the original back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Settings {
  parallelism: number;
  parallelismPerKpu: number;
  autoScalingEnabled: boolean;
}

export interface FakeApplication extends Settings {
  version: number;
  updates: Settings[];
}

export interface FakeManagedFlink {
  endpoint: string;
  application(name: string): FakeApplication | undefined;
  stop(): Promise<void>;
}

export interface FakeOptions {
  /** Where a new application starts. */
  initial: Settings;
  /** Milliseconds to hold an UpdateApplication answer, per application name (to widen a restore). */
  updateDelayMs?(name: string): number;
}

export async function startFakeManagedFlink(options: FakeOptions): Promise<FakeManagedFlink> {
  const apps = new Map<string, FakeApplication>();
  let operations = 0;
  const app = (name: string) => {
    let a = apps.get(name);
    if (!a) apps.set(name, (a = { ...options.initial, version: 1, updates: [] }));
    return a;
  };
  const detail = (name: string, a: FakeApplication) => ({
    ApplicationARN: `arn:aws:kinesisanalytics:us-east-1:123456789012:application/${name}`,
    ApplicationName: name,
    ApplicationStatus: 'RUNNING',
    ApplicationVersionId: a.version,
    RuntimeEnvironment: 'FLINK-1_20',
    ApplicationConfigurationDescription: {
      FlinkApplicationConfigurationDescription: {
        ParallelismConfigurationDescription: {
          ConfigurationType: 'CUSTOM', Parallelism: a.parallelism, ParallelismPerKPU: a.parallelismPerKpu, CurrentParallelism: a.parallelism,
          AutoScalingEnabled: a.autoScalingEnabled,
        },
      },
    },
  });
  const now = () => Math.floor(Date.now() / 1000);

  async function answer(action: string, input: Record<string, any>): Promise<[number, unknown]> {
    const name = String(input.ApplicationName);
    const a = app(name);
    switch (action) {
      case 'DescribeApplication':
        return [200, { ApplicationDetail: detail(name, a) }];
      case 'UpdateApplication': {
        if (input.CurrentApplicationVersionId !== a.version) {
          return [400, { __type: 'ConcurrentModificationException', message: `version ${input.CurrentApplicationVersionId} is not ${a.version}` }];
        }
        const u = input.ApplicationConfigurationUpdate.FlinkApplicationConfigurationUpdate.ParallelismConfigurationUpdate;
        await new Promise((r) => setTimeout(r, options.updateDelayMs?.(name) ?? 0));
        const next = { parallelism: u.ParallelismUpdate, parallelismPerKpu: u.ParallelismPerKPUUpdate, autoScalingEnabled: u.AutoScalingEnabledUpdate };
        Object.assign(a, next, { version: a.version + 1 });
        a.updates.push(next);
        return [200, { ApplicationDetail: detail(name, a), OperationId: `op-${++operations}` }];
      }
      case 'ListApplicationOperations':
        return [200, { ApplicationOperationInfoList: [] }];
      case 'DescribeApplicationOperation':
        return [200, { ApplicationOperationInfoDetails: { Operation: 'UpdateApplication', StartTime: now(), EndTime: now(), OperationStatus: 'SUCCESSFUL' } }];
      default:
        return [400, { __type: 'InvalidRequestException', message: `the fake does not know ${action}` }];
    }
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += String(c)));
    req.on('end', () => {
      const action = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      answer(action, body ? JSON.parse(body) : {}).then(([status, out]) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(out));
      }, (err: Error) => {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'InternalFailure', message: err.message }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    application: (name) => apps.get(name),
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
