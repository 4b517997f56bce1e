/**
 * An in-memory stand-in for Herald's state table, answering exactly the requests of
 * functions/ecs/flood.ts and shared/delivery-log.ts with DynamoDB's semantics (conditions,
 * ALL_OLD, ADD). Used by the tests (behind aws-sdk-client-mock) and by the benchmark.
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
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
import { CLAIM_CONDITION, DONE } from '../shared/delivery-log';

type Item = Record<string, AttributeValue>;

export class ConditionalCheckFailedException extends Error {
  override name = 'ConditionalCheckFailedException';
}

export interface FakeTable {
  items: Map<string, Item>;
  updateItem(input: UpdateItemCommandInput): { Attributes?: Item };
  scan(input: ScanCommandInput): { Items: Item[] };
  putItem(input: PutItemCommandInput): Record<string, never>;
  deleteItem(input: DeleteItemCommandInput): Record<string, never>;
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
        case DONE: {
          if (!old) throw new Error('DONE on a missing item');
          Object.assign(item, { status: values[':sent'], expiresAt: values[':ttl'] });
          delete item.leaseUntil;
          items.set(key, item);
          return {};
        }
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
    putItem(input) {
      if (input.ConditionExpression !== CLAIM_CONDITION) throw new Error('unexpected condition');
      const key = input.Item?.key?.S ?? '';
      const values = input.ExpressionAttributeValues ?? {};
      const old = items.get(key);
      const leaseOver = old?.status?.S === 'sending' && num(old.leaseUntil) < num(values[':now']);
      if (old && !leaseOver) throw new ConditionalCheckFailedException('already claimed');
      items.set(key, { ...(input.Item ?? {}) });
      return {};
    },
    deleteItem(input) {
      items.delete(input.Key?.key?.S ?? '');
      return {};
    },
    async send(command) {
      if (command instanceof UpdateItemCommand) return table.updateItem(command.input);
      if (command instanceof ScanCommand) return table.scan(command.input);
      if (command instanceof PutItemCommand) return table.putItem(command.input);
      if (command instanceof DeleteItemCommand) return table.deleteItem(command.input);
      throw new Error('the fake table serves UpdateItem, PutItem, DeleteItem and Scan only');
    },
  };
  return table;
}
