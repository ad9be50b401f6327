/**
 * Writes one object to S3: a port, and an adapter that signs a PutObject with SigV4 and sends it with
 * fetch. The project's SDK set has no S3 client; PutObject is one signed PUT, so this avoids bundling one.
 * Objects are SSE-KMS with the pipeline key, as the results bucket's policy and default encryption expect.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export interface ObjectWriter {
  put(key: string, body: string, contentType: string): Promise<void>;
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3WriterOptions {
  readonly bucket: string;
  readonly region: string;
  /** SSE-KMS key for the objects. */
  readonly kmsKeyId: string;
  readonly credentials: () => Promise<Credentials>;
  /** Path-style endpoint for emulators (moto); default the regional virtual-hosted endpoint. */
  readonly endpoint?: string;
  readonly fetch?: typeof fetch;
}

/** The hash SigV4 needs, from node:crypto (HMAC when given a secret). */
type Data = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (d: Data): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

class Sha256 {
  private readonly hash;
  constructor(secret?: Data) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: Data): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** S3 signs the path as sent: each segment URI-encoded once, "/" kept. */
const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

/** A SigV4-signed request to the bucket: `key` '' addresses the bucket itself (with `query`, a listing). */
export type S3Request = (method: 'PUT' | 'GET' | 'HEAD', key: string,
  init?: { body?: string; headers?: Record<string, string>; query?: Record<string, string> }) => Promise<Response>;

export function s3Requests(options: S3WriterOptions): S3Request {
  const signer = new SignatureV4({
    service: 's3', region: options.region, credentials: options.credentials, sha256: Sha256, uriEscapePath: false,
  });
  const doFetch = options.fetch ?? fetch;
  return async (method, key, init = {}) => {
    const base = new URL(options.endpoint ?? `https://${options.bucket}.s3.${options.region}.amazonaws.com`);
    const path = options.endpoint ? `/${options.bucket}/${encodeKey(key)}` : `/${encodeKey(key)}`;
    const bytes = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
    const query = init.query ?? {};
    const signed = await signer.sign({
      method, protocol: base.protocol, hostname: base.hostname, port: base.port ? Number(base.port) : undefined,
      path, query, body: bytes,
      headers: { host: base.host, ...(bytes ? { 'content-length': String(bytes.byteLength) } : {}), ...init.headers },
    });
    // fetch sets Host and Content-Length itself, to the values signed here.
    const { host: _host, 'content-length': _length, ...headers } = signed.headers;
    const search = new URLSearchParams(query).toString();
    return doFetch(`${base.protocol}//${base.host}${path}${search ? `?${search}` : ''}`, { method, headers, body: bytes });
  };
}

export function s3ObjectWriter(options: S3WriterOptions): ObjectWriter {
  const request = s3Requests(options);
  return {
    async put(key, body, contentType) {
      const res = await request('PUT', key, {
        body,
        headers: {
          'content-type': contentType,
          'x-amz-server-side-encryption': 'aws:kms',
          'x-amz-server-side-encryption-aws-kms-key-id': options.kmsKeyId,
        },
      });
      if (!res.ok) {
        const text = await res.text();
        const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP ${res.status}`;
        const error = new Error(`PutObject s3://${options.bucket}/${key} failed: ${code}`);
        error.name = code;
        throw error;
      }
    },
  };
}

/** The credentials Lambda puts in the function's environment. */
export function environmentCredentials(env: NodeJS.ProcessEnv): () => Promise<Credentials> {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required');
    return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
  };
}
