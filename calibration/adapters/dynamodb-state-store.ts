/**
 * The autoscaler's state (model, history, cooldowns) as one DynamoDB item per application, behind a small
 * GetItem/PutItem interface in the SDK's request shapes: the Lambda gives it @aws-sdk/client-dynamodb,
 * tests a fake or moto. Writes are conditional on the revision read, so two overlapping runs (a slow
 * minute and the next) cannot both apply their decision: the loser's save fails and its run errors.
 */
import type { AutoscalerState } from '../autoscaler/policy';
import type { AutoscalerStore } from '../autoscaler/tick';

type AttributeValue = { S?: string; N?: string };
type Item = Record<string, AttributeValue>;

/** The two DynamoDB calls the store makes, in the SDK's shapes (GetItemCommand, PutItemCommand inputs). */
export interface DynamoDbItemApi {
  getItem(input: { TableName: string; Key: Item; ConsistentRead?: boolean }): Promise<{ Item?: Item }>;
  putItem(input: {
    TableName: string;
    Item: Item;
    ConditionExpression?: string;
    ExpressionAttributeValues?: Item;
  }): Promise<unknown>;
}

/** The table's key: partition key `pk` (string), the application's name. */
export const STATE_TABLE_KEY = 'pk';

export class DynamoDbStateStore implements AutoscalerStore {
  private revision = 0;

  constructor(private readonly api: DynamoDbItemApi, private readonly table: string, private readonly application: string) {}

  async load(): Promise<AutoscalerState | null> {
    const out = await this.api.getItem({ TableName: this.table, Key: { [STATE_TABLE_KEY]: { S: this.application } }, ConsistentRead: true });
    if (!out.Item) {
      this.revision = 0;
      return null;
    }
    this.revision = Number(out.Item.revision?.N ?? '0');
    const json = out.Item.state?.S;
    if (json === undefined) throw new Error(`autoscaler state of ${this.application} in ${this.table} has no state attribute`);
    const state = JSON.parse(json) as AutoscalerState;
    if (state.schemaVersion !== 1) throw new Error(`autoscaler state of ${this.application} has schemaVersion ${String(state.schemaVersion)}, expected 1`);
    return state;
  }

  async save(state: AutoscalerState): Promise<void> {
    const next = this.revision + 1;
    await this.api.putItem({
      TableName: this.table,
      Item: {
        [STATE_TABLE_KEY]: { S: this.application },
        state: { S: JSON.stringify(state) },
        revision: { N: String(next) },
      },
      ConditionExpression: 'attribute_not_exists(pk) OR revision = :read',
      ExpressionAttributeValues: { ':read': { N: String(this.revision) } },
    });
    this.revision = next;
  }
}
