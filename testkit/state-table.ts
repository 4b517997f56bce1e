/**
 * Herald's state table on 127.0.0.1 for tests, `npm start` and the bench: dynalite (DynamoDB's API
 * on an in-memory LevelDB), reached by the real SDK through `AWS_ENDPOINT_URL_DYNAMODB`, with the
 * table created from the `StateTable` definition in resources/herald-core.yml (read, not copied),
 * so conditions, update expressions and `ALL_OLD` answers are DynamoDB's, not a fake's. dynalite
 * does not expire items by TTL; neither does DynamoDB promptly, so nothing Herald does relies on it.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { parse } from 'yaml';
import { now } from './clock';

const CORE = join(__dirname, '..', 'resources', 'herald-core.yml');

interface TableDefinition {
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  GlobalSecondaryIndexes?: GlobalSecondaryIndex[];
  BillingMode: 'PAY_PER_REQUEST';
}

/** The key schema and indexes of the deployed table, from the CloudFormation Herald ships. */
export function stateTableDefinition(file = CORE): TableDefinition {
  const template = parse(readFileSync(file, 'utf8')) as {
    Resources?: Record<
      string,
      { Type?: string; Properties?: Partial<TableDefinition> & { BillingMode?: string } }
    >;
  };
  const table = template.Resources?.StateTable;
  const properties = table?.Properties;
  if (table?.Type !== 'AWS::DynamoDB::Table' || !properties?.AttributeDefinitions || !properties.KeySchema) {
    throw new Error(`${file}: no StateTable of type AWS::DynamoDB::Table with a key schema`);
  }
  if (properties.BillingMode !== 'PAY_PER_REQUEST') throw new Error(`${file}: StateTable is not on demand`);
  return {
    AttributeDefinitions: properties.AttributeDefinitions,
    KeySchema: properties.KeySchema,
    ...(properties.GlobalSecondaryIndexes
      ? { GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes }
      : {}),
    BillingMode: 'PAY_PER_REQUEST',
  };
}

export interface StateTableServer {
  /** For `AWS_ENDPOINT_URL_DYNAMODB`. */
  endpoint: string;
  /** A client of this server, for tests that look at or change items directly. */
  client: DynamoDBClient;
  /** DynamoDB requests served so far, by operation (`PutItem`, `UpdateItem`, …). */
  calls: Map<string, number>;
  /** Every request served, in arrival order: when it came and when it was answered (epoch ms). */
  timeline: Array<{ operation: string; start: number; end?: number; keys?: string[]; request?: string }>;
  /**
   * Answers held `ms` longer than dynalite takes, as a round trip to DynamoDB would be (0, the
   * default: at once): for figures about what an event waits for (`npm run release:figures`).
   */
  setLatency(ms: number): void;
  /** Creates a fresh, empty state table and returns its name. */
  createTable(name?: string): Promise<string>;
  close(): Promise<void>;
}

let tables = 0;

/** The partition keys a request names (`key` values, or a Query's first value), for traces. */
function keysOf(body: string): string[] {
  const keys = [...body.matchAll(/"key":\{"S":"([^"]*)"\}/g)].map((m) => m[1] ?? '');
  if (keys.length > 0) return keys;
  const value = /"ExpressionAttributeValues":\{"[^"]+":\{"S":"([^"]*)"/.exec(body)?.[1];
  return value ? [value] : [];
}

/** The response's end (dynalite writes each answer whole, with `end`) held `ms` after it is ready. */
function holdAnswer(response: ServerResponse, ms: number): void {
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  response.end = ((...args: unknown[]) => {
    setTimeout(() => end(...args), ms);
    return response;
  }) as ServerResponse['end'];
}

export async function startStateTable(): Promise<StateTableServer> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const calls = new Map<string, number>();
  const timeline: StateTableServer['timeline'] = [];
  let latency = 0;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (latency > 0) holdAnswer(response, latency);
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    calls.set(operation, (calls.get(operation) ?? 0) + 1);
    const entry: StateTableServer['timeline'][number] = { operation, start: now() };
    timeline.push(entry);
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      entry.request = Buffer.concat(body).toString('utf8');
      entry.keys = keysOf(entry.request);
    });
    response.on('finish', () => {
      entry.end = now();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDLOCALONLY', secretAccessKey: 'local-only' },
  });
  const definition = stateTableDefinition();
  return {
    endpoint,
    client,
    calls,
    timeline,
    setLatency: (ms) => {
      latency = ms;
    },
    createTable: async (name) => {
      tables += 1;
      const tableName = name ?? `herald-local-${tables}-state`;
      await client.send(new CreateTableCommand({ TableName: tableName, ...definition }));
      // dynalite answers CREATING first, even with createTableMs 0: wait until it takes items.
      for (let tries = 0; tries < 100; tries++) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
        if (Table?.TableStatus === 'ACTIVE') break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return tableName;
    },
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
