/**
 * The AWS calls kpufit makes, as request/response functions in the SDK's own shapes. The real SDK
 * clients satisfy them through thin wrappers (calibration/adapters/sdk-clients.ts); the twin implements
 * them in process (simulator/twin). The port adapters are written once against these interfaces, so a
 * calibrator that runs on the twin runs unchanged on AWS.
 *
 * Errors are thrown as objects whose `name` is AWS's exception name (ConcurrentModificationException,
 * ResourceInUseException, InvalidArgumentException, LimitExceededException, ResourceNotFoundException,
 * ProvisionedThroughputExceededException, ...) and whose `message` reads like AWS's.
 */
import type {
  DescribeApplicationRequest, DescribeApplicationResponse, UpdateApplicationRequest, UpdateApplicationResponse,
  StartApplicationRequest, StartApplicationResponse, ListApplicationOperationsRequest,
  ListApplicationOperationsResponse, DescribeApplicationOperationRequest, DescribeApplicationOperationResponse,
} from '@aws-sdk/client-kinesis-analytics-v2';
import type { GetMetricDataInput, GetMetricDataOutput, ListMetricsInput, ListMetricsOutput } from '@aws-sdk/client-cloudwatch';
import type {
  DescribeStreamSummaryInput, DescribeStreamSummaryOutput, PutRecordsInput, PutRecordsOutput,
} from '@aws-sdk/client-kinesis';

export interface KinesisAnalyticsApi {
  describeApplication(input: DescribeApplicationRequest): Promise<DescribeApplicationResponse>;
  updateApplication(input: UpdateApplicationRequest): Promise<UpdateApplicationResponse>;
  startApplication(input: StartApplicationRequest): Promise<StartApplicationResponse>;
  listApplicationOperations?(input: ListApplicationOperationsRequest): Promise<ListApplicationOperationsResponse>;
  describeApplicationOperation?(input: DescribeApplicationOperationRequest): Promise<DescribeApplicationOperationResponse>;
}

export interface CloudWatchApi {
  getMetricData(input: GetMetricDataInput): Promise<GetMetricDataOutput>;
  /** The series that exist (received data in the last two weeks) matching a namespace/name/dimension filter. */
  listMetrics(input: ListMetricsInput): Promise<ListMetricsOutput>;
}

export interface KinesisApi {
  describeStreamSummary(input: DescribeStreamSummaryInput): Promise<DescribeStreamSummaryOutput>;
  putRecords(input: PutRecordsInput): Promise<PutRecordsOutput>;
}
