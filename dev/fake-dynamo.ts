/**
 * An in-memory stand-in for the flood gate's DynamoDB table, answering exactly the UpdateItem and
 * Scan requests of functions/ecs/flood.ts with DynamoDB's semantics (conditions, ALL_OLD, ADD).
 * Used by the tests (behind aws-sdk-client-mock) and by the benchmark's posts-per-100 figure.
 */
import {
  type AttributeValue,
  ScanCommand,
  type ScanCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  DUE,
  FOLD,
  OPEN_WINDOW,
  OPEN_WINDOW_CONDITION,
  RESET,
  RESET_CONDITION,
} from '../functions/ecs/flood';

type Item = Record<string, AttributeValue>;

export class ConditionalCheckFailedException extends Error {
  override name = 'ConditionalCheckFailedException';
}

export interface FakeTable {
  items: Map<string, Item>;
  updateItem(input: UpdateItemCommandInput): { Attributes?: Item };
  scan(input: ScanCommandInput): { Items: Item[] };
  /** A `send` that serves UpdateItemCommand and ScanCommand, for code that takes a client. */
  send(command: unknown): Promise<unknown>;
}

const num = (value: AttributeValue | undefined) => Number(value?.N ?? Number.NaN);

export function createFakeTable(): FakeTable {
  const items = new Map<string, Item>();
  const table: FakeTable = {
    items,
    updateItem(input) {
      const key = input.Key?.key?.S ?? '';
      const values = input.ExpressionAttributeValues ?? {};
      const old = items.get(key);
      const item: Item = { ...(old ?? {}), key: { S: key } };
      switch (input.UpdateExpression) {
        case OPEN_WINDOW: {
          if (input.ConditionExpression !== OPEN_WINDOW_CONDITION) throw new Error('unexpected condition');
          if (old?.windowEnd && num(old.windowEnd) > num(values[':now']))
            throw new ConditionalCheckFailedException('window open');
          Object.assign(item, {
            windowEnd: values[':end'],
            folded: values[':zero'],
            expiresAt: values[':ttl'],
            region: values[':region'],
          });
          delete item.foldedSince;
          delete item.lastKind;
          items.set(key, item);
          return { Attributes: old };
        }
        case FOLD:
          item.foldedSince = item.foldedSince ?? (values[':now'] as AttributeValue);
          Object.assign(item, { lastKind: values[':kind'], expiresAt: values[':ttl'] });
          item.folded = {
            N: String((Number.isNaN(num(item.folded)) ? 0 : num(item.folded)) + num(values[':one'])),
          };
          items.set(key, item);
          return {};
        case RESET:
          if (input.ConditionExpression !== RESET_CONDITION) throw new Error('unexpected condition');
          if (num(old?.folded) !== num(values[':seen']) || num(old?.windowEnd) !== num(values[':end'])) {
            throw new ConditionalCheckFailedException('changed meanwhile');
          }
          item.folded = values[':zero'] as AttributeValue;
          delete item.foldedSince;
          items.set(key, item);
          return {};
        default:
          throw new Error(`the fake table does not know ${input.UpdateExpression}`);
      }
    },
    scan(input) {
      if (input.FilterExpression !== DUE)
        throw new Error(`the fake table does not know ${input.FilterExpression}`);
      const values = input.ExpressionAttributeValues ?? {};
      return {
        Items: [...items.values()].filter(
          (i) => num(i.folded) > num(values[':zero']) && num(i.windowEnd) <= num(values[':now']),
        ),
      };
    },
    async send(command) {
      if (command instanceof UpdateItemCommand) return table.updateItem(command.input);
      if (command instanceof ScanCommand) return table.scan(command.input);
      throw new Error('the fake table serves UpdateItem and Scan only');
    },
  };
  return table;
}
