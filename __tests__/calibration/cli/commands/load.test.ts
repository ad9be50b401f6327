/**
 * `kpufit load` as a user meets it: every bad input is one line naming the flag and what is allowed, with
 * a non-zero exit and nothing on stdout; good runs print progress on stderr and, with --json, the stats.
 */
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { loadCommand, runLoad, type LoadArgs } from '../../../../calibration/cli/commands/load';
import { EVENT_SCHEMAS } from '../../../../simulator/event-schemas';

const dir = mkdtempSync(join(tmpdir(), 'kpufit-load-cli-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Runs the yargs program in process; returns what it wrote and the exit code it set. */
async function kpufit(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
  try {
    await yargs(argv).command(loadCommand).strict().fail((msg, e) => {
      if (e) throw e;
      throw new Error(msg);
    }).parseAsync();
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

const base = ['load', '--target', 'null', '--workload', 'taxi'];

describe('bad input: one line naming the flag, non-zero exit, nothing on stdout', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown workload', ['load', '--target', 'null', '--workload', 'bogus', '--rate', '5', '--duration', '1'], /^kpufit: error: --workload: unknown workload "bogus"; allowed: taxi, iot, clickstream$/],
    ['an unknown target', ['load', '--target', 'kafka', '--workload', 'iot', '--rate', '5', '--duration', '1'], /^kpufit: error: --target: unknown target "kafka"; allowed: twin, kinesis, stdout, file, null$/],
    ['a zero rate', [...base, '--rate', '0', '--duration', '1'], /^kpufit: error: --rate: must be a number > 0 and <= 1000000 \(records per second; one load process offers at most that, run several for more\), got 0$/],
    ['a negative rate', [...base, '--rate', '-5', '--duration', '1'], /^kpufit: error: --rate: must be a number > 0 and <= 1000000 \(records per second; one load process offers at most that, run several for more\), got -5$/],
    ['a rate that is not a number', [...base, '--rate', 'fast', '--duration', '1'], /^kpufit: error: --rate: must be a number > 0 and <= 1000000 \(records per second; one load process offers at most that, run several for more\), got NaN$/],
    ['no rate, profile or replay', [...base, '--duration', '1'], /^kpufit: error: --rate, --profile, --replay: give exactly one$/],
    ['both a rate and a profile', [...base, '--rate', '5', '--profile', 'x.json'], /^kpufit: error: --rate, --profile, --replay: give exactly one \(got --rate and --profile\)$/],
    ['a rate without a duration', [...base, '--rate', '5'], /^kpufit: error: --duration: required with --rate/],
    ['a missing profile file', [...base, '--profile', join(dir, 'nope.json')], /^kpufit: error: --profile: cannot read ".*nope.json": no such file$/],
    ['a profile that is not JSON', [...base, '--profile', file('bad.json', '{ramp')], /^kpufit: error: --profile: ".*bad.json" is not valid JSON/],
    ['an invalid profile', [...base, '--profile', file('neg.json', '{"type":"constant","recordsPerSecond":-1}'), '--duration', '1'], /^kpufit: error: --profile .*neg.json: recordsPerSecond: must be > 0$/],
    ['an unknown profile type', [...base, '--profile', file('type.json', '{"type":"sine"}'), '--duration', '1'], /^kpufit: error: --profile .*type.json: type: type must be one of constant, ramp, steps, spike, daily$/],
    ['a constant profile without a duration', [...base, '--profile', file('const.json', '{"type":"constant","recordsPerSecond":5}')], /^kpufit: error: --duration: required with a constant profile/],
    ['an unreadable replay file', [...base, '--replay', join(dir, 'missing.jsonl')], /^kpufit: error: --replay: cannot read ".*missing.jsonl"/],
    ['a replay file without timestamps', [...base, '--replay', file('nots.jsonl', '{"a":1}\n')], /^kpufit: error: --replay: ".*nots.jsonl" line 1 has no timestamp in field "dropoff_datetime"/],
    ['a zero speedup', [...base, '--replay', file('ok.jsonl', '{"dropoff_datetime":"2026-01-01T00:00:00Z"}\n'), '--speedup', '0'], /^kpufit: error: --speedup: must be a number > 0, got 0$/],
    ['a hot-key share with a replay', [...base, '--replay', file('ok2.jsonl', '{"dropoff_datetime":"2026-01-01T00:00:00Z"}\n'), '--hot-key-share', '0.2'], /^kpufit: error: --hot-key-share: only applies to generated events, not to --replay/],
    ['a speedup without a replay', [...base, '--rate', '5', '--duration', '1', '--speedup', '2'], /^kpufit: error: --speedup: only applies to --replay$/],
    ['kinesis without a stream', ['load', '--target', 'kinesis', '--workload', 'iot', '--rate', '5', '--duration', '1'], /^kpufit: error: --stream: required with --target kinesis/],
    ['an endpoint that is not a URL', ['load', '--target', 'kinesis', '--stream', 's', '--workload', 'iot', '--rate', '5', '--duration', '1', '--endpoint-url', 'localhost 4568'], /^kpufit: error: --endpoint-url: not a URL: "localhost 4568"/],
    ['an endpoint that is not http(s)', ['load', '--target', 'kinesis', '--stream', 's', '--workload', 'iot', '--rate', '5', '--duration', '1', '--endpoint-url', 'ftp://127.0.0.1'], /^kpufit: error: --endpoint-url: must be http:\/\/ or https:\/\/, got "ftp:"$/],
    ['a file target without --out', ['load', '--target', 'file', '--workload', 'iot', '--rate', '5', '--duration', '1'], /^kpufit: error: --out: required with --target file/],
    ['an unwritable --out', ['load', '--target', 'file', '--out', join(dir, 'no', 'such', 'dir.jsonl'), '--workload', 'iot', '--rate', '5', '--duration', '1'], /^kpufit: error: --out: cannot write ".*dir.jsonl": ENOENT/],
    ['--json with stdout as the target', ['load', '--target', 'stdout', '--workload', 'iot', '--rate', '5', '--duration', '1', '--json'], /^kpufit: error: --json: cannot be combined with --target stdout/],
    ['a hot-key share above 1', [...base, '--rate', '5', '--duration', '1', '--hot-key-share', '1.5'], /^kpufit: error: --hot-key-share: must be a number from 0 to 1, got 1.5$/],
    ['an unknown partition-key mode', [...base, '--rate', '5', '--duration', '1', '--partition-key', 'hash'], /^kpufit: error: --partition-key: must be one of entity, random, got "hash"$/],
    ['a fractional concurrency', [...base, '--rate', '5', '--duration', '1', '--concurrency', '2.5'], /^kpufit: error: --concurrency: must be an integer from 1 to 256, got 2.5$/],
    ['a missing twin scenario', ['load', '--target', 'twin', '--scenario', join(dir, 'none.json'), '--workload', 'iot', '--rate', '5', '--duration', '1'], /^kpufit: error: --scenario .*none.json: cannot read scenario file: no such file$/],
    ['a twin stream that is not the scenario\'s', ['load', '--target', 'twin', '--stream', 'other', '--workload', 'iot', '--rate', '5', '--duration', '1'], /^kpufit: error: --stream: the twin's stream is "kpufit-stream"/],
  ];

  it.each(cases)('%s', async (_, argv, expected) => {
    const { code, stdout, stderr } = await kpufit(argv);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
  });
});

describe('AWS settings', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  // The SDK may add its own Node-version warning on stderr; ours are the `kpufit:` lines.
  const errors = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('kpufit:'));
  const kinesis = ['load', '--target', 'kinesis', '--stream', 's', '--workload', 'iot', '--rate', '5', '--duration', '1'];

  it('names --region when no region is configured anywhere', async () => {
    for (const k of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[k];
    Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') });
    const { code, stdout, stderr } = await kpufit(kinesis);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(errors(stderr)).toEqual(['kpufit: error: --region: no AWS region configured: pass --region or set AWS_REGION (or a profile region)']);
  });

  it('names --endpoint-url when nothing answers there, before sending anything', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
    const { code, stderr } = await kpufit([...kinesis, '--endpoint-url', 'http://127.0.0.1:9']);
    expect(code).toBe(2);
    expect(errors(stderr)).toEqual([expect.stringMatching(/^kpufit: error: --endpoint-url: cannot reach stream "s": .*ECONNREFUSED/)]);
  });
});

describe('good runs', () => {
  it('prints exactly the stats object on stdout with --json', async () => {
    const { code, stdout, stderr } = await kpufit([...base, '--rate', '2000', '--duration', '1', '--json']);
    expect(code).toBe(0);
    const stats = JSON.parse(stdout);
    for (const field of ['sent', 'acknowledged', 'failed', 'throttledRetries', 'durationSeconds', 'recordsPerSecond', 'bytesPerSecond', 'p50PutMs', 'p99PutMs', 'maxReplayLagMs']) {
      expect(typeof stats[field]).toBe('number');
    }
    expect(stats).toMatchObject({ sent: 2000, acknowledged: 2000, failed: 0, inFlightAtAbort: 0, target: 'null', workload: 'taxi' });
    expect(stats.bytesPerSecond).toBeGreaterThan(2000 * 300 * 0.5);
    expect(stderr).toMatch(/^load: sent 2,000, acknowledged 2,000/m);
  });

  it('writes valid JSON lines to a file', async () => {
    const out = join(dir, 'clicks.jsonl');
    const { code } = await kpufit(['load', '--target', 'file', '--out', out, '--workload', 'clickstream', '--rate', '500', '--duration', '1', '--seed', '4']);
    expect(code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(500);
    expect(lines.filter((l) => !EVENT_SCHEMAS.clickstream.safeParse(JSON.parse(l)).success)).toEqual([]);
  });

  it('replays a file it wrote, pacing by the recorded timestamps', async () => {
    const recorded = join(dir, 'iot.jsonl');
    await kpufit(['load', '--target', 'file', '--out', recorded, '--workload', 'iot', '--rate', '200', '--duration', '1']);
    const { code, stdout } = await kpufit(['load', '--target', 'null', '--workload', 'iot', '--replay', recorded, '--speedup', '4', '--json']);
    expect(code).toBe(0);
    const stats = JSON.parse(stdout);
    expect(stats).toMatchObject({ sent: 200, acknowledged: 200 });
    // One recorded second at 4x: about a quarter of a second.
    expect(stats.durationSeconds).toBeGreaterThan(0.15);
    expect(stats.durationSeconds).toBeLessThan(1);
  });

  it('drives the twin in simulated time, throttled by its shards, and balances the books', async () => {
    const { code, stdout } = await kpufit(['load', '--target', 'twin', '--workload', 'iot', '--rate', '5000', '--duration', '10', '--json',
      '--dead-letter', join(dir, 'twin-dlq.jsonl')]);
    const stats = JSON.parse(stdout);
    // 4 shards take 4,000 records/s: the excess is throttled and retried.
    expect(stats.throttledRetries).toBeGreaterThan(0);
    expect(stats.sent).toBe(50_000);
    expect(stats.sent).toBe(stats.acknowledged + stats.failed + stats.inFlightAtAbort);
    expect(code).toBe(stats.failed > 0 ? 1 : 0);
    expect(existsSync(join(dir, 'twin-dlq.jsonl'))).toBe(stats.failed > 0);
  });

  it('repeats a twin run exactly for the same seed, throttling and retries included', async () => {
    const argv = ['load', '--target', 'twin', '--workload', 'clickstream', '--rate', '6000', '--duration', '5', '--seed', '3', '--json',
      '--hot-key-share', '0.3', '--dead-letter', join(dir, 'twin-repeat.jsonl')];
    const first = JSON.parse((await kpufit(argv)).stdout);
    const second = JSON.parse((await kpufit(argv)).stdout);
    expect(first.throttledRetries).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  it('stops cleanly on Ctrl-C and prints the final stats', async () => {
    const signals = new EventEmitter();
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: { write: (s: string) => ((stdout += s), true) } as unknown as NodeJS.WritableStream,
      stderr: { write: (s: string) => ((stderr += s), true), isTTY: false } as unknown as NodeJS.WriteStream,
      signals,
    };
    const args: LoadArgs = {
      target: 'null', workload: 'taxi', rate: 1000, duration: 60, seed: 1, 'partition-key': 'entity', 'hot-key-share': 0,
      'malformed-rate': 0, concurrency: 8, 'max-retries': 8, json: true,
    };
    setTimeout(() => signals.emit('SIGINT'), 300);
    const started = Date.now();
    const stats = await runLoad(args, io);
    process.exitCode = undefined;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(stats.aborted).toBe(true);
    expect(stats.sent).toBeGreaterThan(0);
    expect(stats.sent).toBe(stats.acknowledged + stats.failed + stats.inFlightAtAbort);
    expect(JSON.parse(stdout)).toEqual(stats);
    expect(stderr).toMatch(/^SIGINT: stopping the load; the stats follow/m);
  });
});

describe('the kpufit program', () => {
  const root = join(__dirname, '..', '..', '..', '..');
  const spawnKpufit = (argv: string[]) =>
    spawn(process.execPath, [join(root, 'bin', 'kpufit.js'), ...argv], { cwd: dir, env: { ...process.env, CI: 'true' } });
  const collect = (child: ReturnType<typeof spawnKpufit>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => (stdout += String(d)));
      child.stderr!.on('data', (d) => (stderr += String(d)));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('registers load: bin/kpufit.js runs it and exits 2 on a bad flag', () => {
    const bad = spawnSync(process.execPath, [join(root, 'bin', 'kpufit.js'), 'load', '--target', 'null', '--workload', 'taxi', '--rate', '-1', '--duration', '1'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim()).toBe('kpufit: error: --rate: must be a number > 0 and <= 1000000 (records per second; one load process offers at most that, run several for more), got -1');
  });

  it('stops on SIGINT with exit 130, the final stats on stdout and the books balanced', async () => {
    const child = spawnKpufit(['load', '--target', 'null', '--workload', 'taxi', '--rate', '5000', '--duration', '60', '--json']);
    let sawProgress = false;
    child.stderr!.on('data', (d) => {
      if (!sawProgress && String(d).includes('load: taxi events')) {
        sawProgress = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    const { code, stdout, stderr } = await collect(child);
    expect(code).toBe(130);
    const stats = JSON.parse(stdout);
    expect(stats.aborted).toBe(true);
    expect(stats.sent).toBeGreaterThan(1000);
    expect(stats.sent).toBe(stats.acknowledged + stats.failed + stats.inFlightAtAbort);
    expect(stderr).toMatch(/^SIGINT: stopping the load; the stats follow/m);
    expect(stderr).toMatch(/^load: sent [\d,]+, acknowledged/m);
  }, 60_000);
});
