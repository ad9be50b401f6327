/**
 * The real Kinesis behind the KinesisApi port: @aws-sdk/client-kinesis over HTTP/1.1 keep-alive (the
 * SDK's HTTP/2 default does not work with local emulators), region and credentials from the standard
 * chain, an endpoint override for emulators and VPC endpoints. The SDK's own retries are switched off:
 * the producer retries record by record and must see every throttle to count it.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  DescribeStreamSummaryCommand, KinesisClient, PutRecordsCommand, type KinesisClientConfig,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisApi } from '../core/aws-api';

export interface KinesisClientOptions {
  region?: string;
  endpointUrl?: string;
  /** Sockets per host: at least the producer's concurrency. Default 50. */
  maxSockets?: number;
  /** Only for emulators and tests; otherwise the default provider chain decides. */
  credentials?: KinesisClientConfig['credentials'];
}

/** Checks an --endpoint-url value; returns the problem, or undefined when it is usable. */
export function endpointUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `not a URL: "${value}" (expected e.g. http://127.0.0.1:4568 or https://kinesis.us-east-1.amazonaws.com)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be http:// or https://, got "${url.protocol}"`;
  return undefined;
}

export function createKinesisClient(options: KinesisClientOptions = {}): KinesisClient {
  const maxSockets = options.maxSockets ?? 50;
  return new KinesisClient({
    region: options.region,
    endpoint: options.endpointUrl,
    credentials: options.credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
      connectionTimeout: 5_000,
      requestTimeout: 30_000,
    }),
  });
}

export function kinesisApi(client: KinesisClient): KinesisApi {
  return {
    describeStreamSummary: (input) => client.send(new DescribeStreamSummaryCommand(input)),
    putRecords: (input) => client.send(new PutRecordsCommand(input)),
  };
}
