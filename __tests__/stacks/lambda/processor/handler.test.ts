/** The Lambda entry point refuses to start without its configuration: a processor that drops data silently is worse. */
type EntryModule = typeof import('../../../../stacks/lambda/processor/handler');

const ENV = {
  PROCESSED_BUCKET: 'b', PROCESSED_PREFIX: 'processed-data/', PROCESSED_KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:1:key/k', WORKLOAD: 'iot',
  METRICS_NAMESPACE: 'kpufit/Processor', AWS_REGION: 'eu-west-1',
};

/** The entry reads its environment when the module loads, as a cold start would: load it afresh each time. */
function loadEntry(env: Record<string, string>): EntryModule {
  const saved = process.env;
  process.env = { ...saved, ...env };
  try {
    let entry: EntryModule | undefined;
    jest.isolateModules(() => { entry = require('../../../../stacks/lambda/processor/handler'); });
    return entry!;
  } finally {
    process.env = saved;
  }
}

describe('processor Lambda entry', () => {
  it('builds its handler at load from the environment the construct sets', () => {
    expect(typeof loadEntry(ENV).handler).toBe('function');
  });
  it.each(Object.keys(ENV))('fails the cold start without %s', (name) => {
    expect(() => loadEntry({ ...ENV, [name]: '' })).toThrow(`environment variable ${name} is required`);
  });
  it('refuses an unknown workload', () => {
    expect(() => loadEntry({ ...ENV, WORKLOAD: 'weather' }))
      .toThrow('environment variable WORKLOAD must be one of taxi, iot, clickstream (got "weather")');
  });
});
