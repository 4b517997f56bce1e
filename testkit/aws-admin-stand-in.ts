/**
 * A local stand-in for the AWS APIs of Herald's admin tools (tools/doctor.ts, tools/redrive.ts):
 * SSM parameters, EventBridge rules, SQS queues and Lambda functions, held as state a test sets with
 * `use`. The real SDK talks to it over HTTP on 127.0.0.1: the JSON-protocol operations by
 * `X-Amz-Target` (as aws-stand-in.ts does), and Lambda's REST Invoke
 * (`POST /2015-03-31/functions/<name>/invocations`). It records what was asked, which parameters
 * were read decrypted, what was invoked and which messages were deleted, so tests can prove it.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ACCOUNT = '123456789012';

export interface StoredParameter {
  type: 'String' | 'SecureString' | 'StringList';
  value: string;
}

export interface StoredMessage {
  id: string;
  body: string;
}

/** What a stand-in function does with an event: returns a result, or fails with an error. */
export type StandInFunction = (event: unknown) => { error?: { errorType: string; errorMessage: string } };

export interface AdminWorld {
  parameters?: Record<string, StoredParameter>;
  rules?: Array<{ name: string; state: string }>;
  /** Rules per ListRules page (default 100), to exercise NextToken. */
  rulesPerPage?: number;
  queues?: Record<string, StoredMessage[]>;
  /** By function name; a name not listed answers ResourceNotFoundException. */
  functions?: Record<string, StandInFunction>;
  /** Operations answered AccessDeniedException: an X-Amz-Target, or `Lambda.Invoke`. */
  denied?: string[];
}

export interface Invocation {
  functionName: string;
  qualifier?: string;
  invocationType: string;
  event: unknown;
}

export interface AwsAdminStandIn {
  url: string;
  /** The world of the test; also forgets what was recorded. */
  use(world: AdminWorld): void;
  /** Operations asked, e.g. `AmazonSSM.GetParameter`, `Lambda.Invoke`. */
  calls: string[];
  parameterReads: Array<{ name: string; withDecryption: boolean }>;
  invoked: Invocation[];
  deleted: Array<{ queue: string; id: string }>;
  /** The messages still in a queue, in flight or not. */
  queue(name: string): StoredMessage[];
  /** How many of them a reader would receive now (not in flight). */
  visible(name: string): number;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function replier(res: ServerResponse, contentType: string): Reply {
  return (status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': contentType, ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

const fail = (reply: Reply, type: string, message: string, status = 400) =>
  reply(status, { __type: type, message });

/** SSM GetParameter: the value only when asked decrypted (as SSM does for a SecureString). */
function getParameter(
  world: AdminWorld,
  request: Json,
  reply: Reply,
  reads: AwsAdminStandIn['parameterReads'],
) {
  const name = String(request.Name);
  const withDecryption = request.WithDecryption === true;
  reads.push({ name, withDecryption });
  const stored = world.parameters?.[name];
  if (!stored) {
    fail(reply, 'ParameterNotFound', `Parameter ${name} not found.`);
    return;
  }
  const encrypted = stored.type === 'SecureString' && !withDecryption;
  reply(200, {
    Parameter: {
      Name: name,
      Type: stored.type,
      Value: encrypted ? Buffer.from(`kms:${md5(stored.value)}`).toString('base64') : stored.value,
      Version: 1,
    },
  });
}

function listRules(world: AdminWorld, request: Json, reply: Reply) {
  const prefix = String(request.NamePrefix ?? '');
  const matching = (world.rules ?? []).filter((rule) => rule.name.startsWith(prefix));
  const start = Number(request.NextToken ?? 0);
  const end = start + (world.rulesPerPage ?? 100);
  reply(200, {
    Rules: matching.slice(start, end).map((rule) => ({
      Name: rule.name,
      Arn: `arn:aws:events:eu-west-1:${ACCOUNT}:rule/${rule.name}`,
      State: rule.state,
      EventBusName: 'default',
    })),
    ...(end < matching.length ? { NextToken: String(end) } : {}),
  });
}

/** The SQS queues: a received message is in flight until deleted or made visible again. */
function sqs(base: string, world: AdminWorld, inFlight: Set<string>, deleted: AwsAdminStandIn['deleted']) {
  const queueOf = (request: Json) =>
    String(request.QueueUrl ?? '')
      .split('/')
      .pop() ?? '';
  const noQueue = (reply: Reply) =>
    reply(
      400,
      { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' },
      { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' },
    );
  const handle = (queue: string, id: string) => `${queue}/${id}`;
  return (operation: string, request: Json, reply: Reply): boolean => {
    const queue = operation === 'GetQueueUrl' ? String(request.QueueName) : queueOf(request);
    const messages = world.queues?.[queue];
    if (!messages) {
      noQueue(reply);
      return true;
    }
    if (operation === 'GetQueueUrl') reply(200, { QueueUrl: `${base}/${ACCOUNT}/${queue}` });
    else if (operation === 'GetQueueAttributes') {
      const visible = messages.filter((m) => !inFlight.has(handle(queue, m.id))).length;
      reply(200, {
        Attributes: {
          ApproximateNumberOfMessages: String(visible),
          ApproximateNumberOfMessagesNotVisible: String(messages.length - visible),
        },
      });
    } else if (operation === 'ReceiveMessage') {
      const max = Number(request.MaxNumberOfMessages ?? 1);
      const batch = messages.filter((m) => !inFlight.has(handle(queue, m.id))).slice(0, max);
      if (request.VisibilityTimeout !== 0) for (const m of batch) inFlight.add(handle(queue, m.id));
      reply(200, {
        Messages: batch.map((m) => ({
          MessageId: m.id,
          ReceiptHandle: handle(queue, m.id),
          MD5OfBody: md5(m.body),
          Body: m.body,
        })),
      });
    } else if (operation === 'DeleteMessage') {
      const id = String(request.ReceiptHandle).split('/').pop() ?? '';
      const index = messages.findIndex((m) => m.id === id);
      if (index >= 0) {
        messages.splice(index, 1);
        deleted.push({ queue, id });
      }
      inFlight.delete(handle(queue, id));
      reply(200, {});
    } else if (operation === 'ChangeMessageVisibility') {
      if (request.VisibilityTimeout === 0) inFlight.delete(String(request.ReceiptHandle));
      reply(200, {});
    } else return false;
    return true;
  };
}

/** Lambda Invoke (REST): the function's result, or its error with `X-Amz-Function-Error`. */
function invoke(
  world: AdminWorld,
  req: IncomingMessage,
  body: string,
  res: ServerResponse,
  invoked: Invocation[],
) {
  const reply = replier(res, 'application/json');
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const encoded = url.pathname.split('/')[3] ?? '';
  const target = decodeURIComponent(encoded);
  // A name, or an ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]).
  const parts = target.startsWith('arn:') ? target.split(':').slice(6) : target.split(':');
  const functionName = parts[0] ?? '';
  const qualifier = parts[1] ?? url.searchParams.get('Qualifier') ?? undefined;
  const code = world.functions?.[functionName];
  if (!code) {
    reply(
      404,
      { Type: 'User', message: `Function not found: ${target}` },
      { 'x-amzn-errortype': 'ResourceNotFoundException' },
    );
    return;
  }
  const event = JSON.parse(body || 'null') as unknown;
  invoked.push({
    functionName,
    qualifier,
    invocationType: String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse'),
    event,
  });
  const { error } = code(event);
  if (error) reply(200, { ...error, trace: [] }, { 'x-amz-function-error': 'Unhandled' });
  else reply(200, 'null', { 'x-amz-executed-version': '$LATEST' });
}

export async function startAwsAdminStandIn(): Promise<AwsAdminStandIn> {
  let world: AdminWorld = {};
  const calls: string[] = [];
  const parameterReads: AwsAdminStandIn['parameterReads'] = [];
  const invoked: Invocation[] = [];
  const deleted: AwsAdminStandIn['deleted'] = [];
  const inFlight = new Set<string>();
  let url = '';
  let queues = sqs(url, world, inFlight, deleted);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = String(req.headers['x-amz-target'] ?? '');
      if (
        !target &&
        req.method === 'POST' &&
        /^\/2015-03-31\/functions\/[^/]+\/invocations/.test(req.url ?? '')
      ) {
        calls.push('Lambda.Invoke');
        if (world.denied?.includes('Lambda.Invoke')) {
          replier(res, 'application/json')(
            403,
            { Type: 'User', message: 'not authorized to perform: lambda:InvokeFunction' },
            { 'x-amzn-errortype': 'AccessDeniedException' },
          );
          return;
        }
        invoke(world, req, body, res, invoked);
        return;
      }
      calls.push(target || `${req.method} ${req.url}`);
      const [service = '', operation = ''] = target.split('.');
      const reply = replier(
        res,
        service === 'AmazonSQS' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
      );
      if (world.denied?.includes(target)) {
        fail(reply, 'AccessDeniedException', `User is not authorized to perform: ${target}`);
        return;
      }
      const request = JSON.parse(body || '{}') as Json;
      if (target === 'AmazonSSM.GetParameter') getParameter(world, request, reply, parameterReads);
      else if (target === 'AWSEvents.ListRules') listRules(world, request, reply);
      else if (!(service === 'AmazonSQS' && queues(operation, request, reply)))
        fail(
          reply,
          'UnknownOperationException',
          `The AWS admin stand-in does not answer ${target || req.url}`,
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  queues = sqs(url, world, inFlight, deleted);
  return {
    url,
    calls,
    parameterReads,
    invoked,
    deleted,
    use: (next) => {
      world = next;
      queues = sqs(url, world, inFlight, deleted);
      inFlight.clear();
      for (const list of [calls, parameterReads, invoked, deleted]) list.length = 0;
    },
    queue: (name) => world.queues?.[name] ?? [],
    visible: (name) => (world.queues?.[name] ?? []).filter((m) => !inFlight.has(`${name}/${m.id}`)).length,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
