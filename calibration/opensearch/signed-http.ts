/**
 * HTTP to an OpenSearch domain: SigV4-signed for Amazon OpenSearch Service (service `es`, credentials from the
 * default chain unless given), or unsigned for a local cluster. One small function so the Dashboards API client
 * can be tested against a real local HTTP server.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, SourceData } from '@smithy/types';

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Absolute path with query, e.g. `/_dashboards/api/saved_objects/_bulk_get`. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

export type HttpCall = (request: HttpRequest) => Promise<HttpResponse>;

const bytes = (d: SourceData): string | Uint8Array => (typeof d === 'string' ? d
  : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength));

/** SHA-256 and HMAC-SHA-256 from node:crypto in the shape the signer expects. */
class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret?: string | Uint8Array;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export interface HttpOptions {
  /** `https://host[:port]` (or http:// for a local cluster). */
  readonly endpoint: string;
  /** Sign for this region; undefined sends unsigned requests (a local cluster without security). */
  readonly region?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

export function openSearchHttp(options: HttpOptions): HttpCall {
  const base = new URL(options.endpoint);
  const signer = options.region === undefined ? undefined : new SignatureV4({
    service: 'es', region: options.region, sha256: NodeSha256,
    credentials: options.credentials ?? (() => { throw new Error('no AWS credentials given'); }),
  });
  return async (request) => {
    const url = new URL(request.path, base);
    const headers: Record<string, string> = { host: url.host, ...(request.headers ?? {}) };
    if (request.body !== undefined) headers['content-type'] ??= 'application/json';
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => { query[k] = v; });
    const signed = signer
      ? await signer.sign({
        method: request.method, protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined,
        path: url.pathname, query, headers, body: request.body,
      })
      : { headers };
    const { host: _host, ...sendHeaders } = signed.headers as Record<string, string>;
    const response = await fetch(url, {
      method: request.method, headers: sendHeaders, body: request.body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30000),
    });
    return { status: response.status, body: await response.text() };
  };
}
