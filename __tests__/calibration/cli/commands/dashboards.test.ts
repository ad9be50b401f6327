import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { InputError } from '../../../../core/errors';
import { runDashboards, type DashboardsArgs } from '../../../../calibration/cli/commands/dashboards';
import { openSearchHttp, type HttpCall } from '../../../../calibration/opensearch/signed-http';
import { exitCodeFor } from '../../../../calibration/cli/errors';

function sink() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c) => chunks.push(String(c)));
  return { stream, text: () => chunks.join('') };
}

/** What `cdktf output --outputs-file` writes for a deployed dev stack. */
function outputsFile(values: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kpufit-dashboards-'));
  const file = join(dir, 'outputs.json');
  writeFileSync(file, JSON.stringify({ 'kpufit-dev': { region: 'eu-west-1', stream_name: 'kpufit-dev-input', ...values } }));
  return file;
}
const DEPLOYED = { opensearch_endpoint: 'search-kpufit-dev-os-abc123.eu-west-1.es.amazonaws.com', opensearch_index_prefix: 'kpufit' };

async function run(args: Partial<DashboardsArgs>, http?: HttpCall) {
  const out = sink();
  const err = sink();
  const result = await runDashboards({ action: 'apply', ...args }, { http, stdout: out.stream, stderr: err.stream });
  return { result, stdout: out.text(), stderr: err.text() };
}

describe('kpufit dashboards apply: flags', () => {
  it.each<[Partial<DashboardsArgs>, string]>([
    [{}, '--from-outputs / --endpoint: give exactly one (the stack outputs file, or the domain endpoint URL)'],
    [{ fromOutputs: 'x.json', endpoint: 'https://a.example.com' }, '--from-outputs / --endpoint: give exactly one'],
    [{ endpoint: 'search-x.es.amazonaws.com', region: 'eu-west-1' }, '--endpoint: must be a URL such as'],
    [{ endpoint: 'http://search-x.eu-west-1.es.amazonaws.com', region: 'eu-west-1' }, '--endpoint: must be https:// (http:// only for a local cluster on 127.0.0.1)'],
    [{ endpoint: 'https://search-x.eu-west-1.es.amazonaws.com/_dashboards', region: 'eu-west-1' }, '--endpoint: must be the domain\'s root URL, without a path'],
    [{ endpoint: 'https://search-x.eu-west-1.es.amazonaws.com' }, '--region: required with --endpoint and --auth sigv4'],
    [{ endpoint: 'https://search-x.eu-west-1.es.amazonaws.com', region: 'Ireland' }, '--region: must be an AWS region such as eu-west-1 (got "Ireland")'],
    [{ endpoint: 'http://127.0.0.1:9200', auth: 'none', region: 'eu-west-1' }, '--region: only with --auth sigv4'],
    [{ endpoint: 'http://127.0.0.1:9200', auth: 'none', indexPrefix: 'Bad' }, '--index-prefix: must be 1-31 characters of a-z 0-9 _ -, starting with a letter (got "Bad")'],
    [{ fromOutputs: '/nonexistent/outputs.json' }, '--from-outputs /nonexistent/outputs.json: file not found'],
  ])('%j is refused, naming the flag, exit 2', async (args, message) => {
    const err = await run({ dryRun: true, ...args }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(message);
    expect(exitCodeFor(err)).toBe(2);
  });

  it('refuses outputs of a stack without OpenSearch', async () => {
    const err = await run({ fromOutputs: outputsFile({ opensearch_endpoint: '' }), dryRun: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/opensearch_endpoint is empty or missing \(is opensearch.enabled true/);
  });
});

describe('kpufit dashboards apply --dry-run', () => {
  it('lists every object it would apply from the stack outputs, and sends nothing', async () => {
    const { result, stdout, stderr } = await run({ fromOutputs: outputsFile(DEPLOYED), dryRun: true, json: true });
    const json = JSON.parse(stdout);
    expect(json).toEqual(result);
    expect(json.endpoint).toBe('https://search-kpufit-dev-os-abc123.eu-west-1.es.amazonaws.com');
    expect(json.dryRun).toBe(true);
    expect(json.objects).toHaveLength(14);
    expect(json.objects[0]).toEqual({ id: 'kpufit-alerts', type: 'index-pattern', title: 'kpufit-alerts-*', action: 'apply' });
    expect(json.objects).toContainEqual({ id: 'kpufit-taxi-hotspot-map', type: 'visualization', title: 'Taxi: pick-up hot spots', action: 'apply' });
    expect(json.objects.at(-1)).toEqual({ id: 'kpufit-overview', type: 'dashboard', title: 'kpufit: pipeline results', action: 'apply' });
    expect(stderr).toBe('would apply 14 saved objects to https://search-kpufit-dev-os-abc123.eu-west-1.es.amazonaws.com/_dashboards\n');
  });

  it('prints one line per object without --json', async () => {
    const { stdout } = await run({ endpoint: 'http://127.0.0.1:9', auth: 'none', dryRun: true, indexPrefix: 'acme' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(14);
    expect(lines[0]).toMatch(/^apply +index-pattern\/kpufit-alerts +acme-alerts-\*$/);
  });
});

/** A local stand-in for the OpenSearch Dashboards saved-objects API: an in-memory store behind real HTTP. */
class DashboardsApi {
  readonly store = new Map<string, { type: string; id: string; attributes: unknown; references: unknown }>();
  readonly requests: Array<{ method: string; url: string; authorization?: string; xsrf?: string }> = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req).then((body) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    this.requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, xsrf: req.headers['osd-xsrf'] as string });
    if (req.url === '/_dashboards/api/saved_objects/_bulk_get') {
      return {
        saved_objects: body.map((o: { type: string; id: string }) => this.store.get(`${o.type}/${o.id}`)
          ?? { type: o.type, id: o.id, error: { statusCode: 404, message: 'Not Found' } }),
      };
    }
    for (const o of body) this.store.set(`${o.type}/${o.id}`, o);
    return { saved_objects: body };
  }
}

describe('kpufit dashboards apply against a Dashboards API', () => {
  const api = new DashboardsApi();
  let endpoint: string;
  beforeAll(async () => { endpoint = await api.start(); });
  afterAll(() => api.stop());

  it('creates everything, then changes nothing, then updates only what differs (idempotent)', async () => {
    const http = openSearchHttp({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    const first = await run({ endpoint, region: 'eu-west-1', json: true }, http);
    expect(first.result.objects.map((o) => o.action)).toEqual(Array(14).fill('create'));
    expect(api.store.size).toBe(14);

    const second = await run({ endpoint, region: 'eu-west-1', json: true }, http);
    expect(second.result.objects.map((o) => o.action)).toEqual(Array(14).fill('unchanged'));
    expect(api.requests.at(-1)!.url).toBe('/_dashboards/api/saved_objects/_bulk_get');

    const map = api.store.get('visualization/kpufit-taxi-hotspot-map')!;
    api.store.set('visualization/kpufit-taxi-hotspot-map', { ...map, attributes: { ...(map.attributes as object), title: 'edited by hand' } });
    const third = await run({ endpoint, region: 'eu-west-1', json: true }, http);
    expect(third.result.objects.filter((o) => o.action !== 'unchanged')).toEqual([
      { id: 'kpufit-taxi-hotspot-map', type: 'visualization', title: 'Taxi: pick-up hot spots', action: 'update' },
    ]);
    expect(api.requests.at(-1)!.url).toBe('/_dashboards/api/saved_objects/_bulk_create?overwrite=true');
  });

  it('signs every request with SigV4 for es in the region and sends the Dashboards XSRF header', () => {
    for (const r of api.requests) {
      expect(r.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/);
      expect(r.xsrf).toBe('true');
    }
  });

  it('sends unsigned requests with --auth none (a local cluster)', async () => {
    await run({ endpoint, auth: 'none' }, openSearchHttp({ endpoint }));
    expect(api.requests.at(-1)!.authorization).toBeUndefined();
  });
});
