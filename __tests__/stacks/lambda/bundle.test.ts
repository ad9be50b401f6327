import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AUTOSCALER_HANDLER_ENTRY } from '../../../stacks/autoscaler';
import { bundleLambda } from '../../../stacks/lambda/bundle';

const entry = path.join(__dirname, '../../../stacks/lambda/alerts/handler.ts');

describe('bundleLambda: the handler is built from source at synth', () => {
  const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kpufit-bundle-test-'));
  afterAll(() => fs.rmSync(outRoot, { recursive: true, force: true }));

  it('writes one self-contained CommonJS index.js exporting handler (the SNS client included)', () => {
    const b = bundleLambda({ entry, name: 'alerts', outRoot });
    expect(fs.readdirSync(b.dir)).toEqual(['index.js']);
    expect(b.dir).toBe(path.join(outRoot, `alerts-${b.sha256.slice(0, 16)}`));
    const code = fs.readFileSync(path.join(b.dir, 'index.js'), 'utf8');
    // Only Node built-ins (and the SDK's optional CRT signer, probed in a try) stay outside the bundle.
    const external = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])
      .filter((m) => !m.startsWith('node:') && m !== '@aws-sdk/signature-v4-crt');
    expect(external).toEqual([]);
    expect(b.bytes).toBe(Buffer.byteLength(code));
    const saved = { ...process.env };
    process.env.ALERTS_TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:t';
    process.env.AWS_REGION = 'eu-west-1';
    try {
      expect(typeof require(path.join(b.dir, 'index.js')).handler).toBe('function');
    } finally {
      process.env = saved;
    }
  });

  it('gives the file a fixed mtime so the zip cdktf makes is the same on every synth', () => {
    const b = bundleLambda({ entry, name: 'alerts', outRoot });
    expect(fs.statSync(path.join(b.dir, 'index.js')).mtime.toISOString()).toBe('1980-01-01T00:00:00.000Z');
  });

  it('is deterministic: a second build in another place has the same hash', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'kpufit-bundle-test-'));
    try {
      expect(bundleLambda({ entry, name: 'alerts', outRoot: other }).sha256)
        .toBe(bundleLambda({ entry, name: 'alerts', outRoot }).sha256);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('rebuilds when the bundle directory was removed (e.g. a cleaned tmp)', () => {
    const first = bundleLambda({ entry, name: 'alerts', outRoot });
    fs.rmSync(first.dir, { recursive: true });
    const again = bundleLambda({ entry, name: 'alerts', outRoot });
    expect(fs.existsSync(path.join(again.dir, 'index.js'))).toBe(true);
  });

  it('names the entry and the compile error when bundling fails', () => {
    const broken = path.join(outRoot, 'broken.ts');
    fs.writeFileSync(broken, 'export const handler = (;\n');
    expect(() => bundleLambda({ entry: broken, name: 'broken', outRoot }))
      .toThrow(new RegExp(`bundling Lambda broken \\(${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) failed: .*broken\\.ts:1: `));
  });

  it('refuses a missing entry', () => {
    expect(() => bundleLambda({ entry: path.join(outRoot, 'nope.ts'), name: 'nope', outRoot })).toThrow(/Lambda entry .*nope\.ts not found/);
  });
});

describe('the autoscaler\'s bundle', () => {
  const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kpufit-bundle-test-'));
  afterAll(() => fs.rmSync(outRoot, { recursive: true, force: true }));

  it('carries every SDK client it calls, DynamoDB included: nothing is left to the Lambda runtime\'s own SDK', () => {
    const b = bundleLambda({ entry: AUTOSCALER_HANDLER_ENTRY, name: 'autoscaler', outRoot });
    const code = fs.readFileSync(path.join(b.dir, 'index.js'), 'utf8');
    const external = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])
      .filter((m) => !m.startsWith('node:') && m !== '@aws-sdk/signature-v4-crt');
    expect(external).toEqual([]);
    // keepNames keeps the command classes' names through minification.
    for (const command of ['GetItemCommand', 'PutItemCommand', 'GetMetricDataCommand', 'UpdateApplicationCommand', 'PublishCommand']) {
      expect(code).toContain(`"${command}"`);
    }
    expect(typeof require(path.join(b.dir, 'index.js')).handler).toBe('function');
  });
});
