/**
 * What `npm run redrive` does, with the clients handed in (tests point them at a local stand-in):
 * reads the failed-events queue, where Lambda's on-failure destination left a record of each event
 * a function could not handle after its retries, and runs each function again with its original
 * event (a synchronous Invoke: a new failure comes back here, not to the queue twice). A message
 * leaves the queue only when its function succeeded; one of another stage's function, or that is
 * not such a record, is never invoked and stays. Messages kept are made visible again at the end.
 * Record format: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { errorName, type Send, stopOnSetup } from '../lib/aws';

/** `herald-<stage>-failed-events` (resources/herald-core.yml's FailedEventsQueue). */
export const failedEventsQueue = (stage: string) => `herald-${stage}-failed-events`;

/** What Lambda's on-failure destination wrote about one event. */
export interface FailureRecord {
  /** As recorded, e.g. `arn:aws:lambda:eu-west-1:123456789012:function:herald-prod-codebuild:$LATEST`. */
  functionArn: string;
  functionName: string;
  /** The original event. */
  event: unknown;
  /** `RetriesExhausted`, `EventAgeExceeded`, … */
  condition?: string;
  attempts?: number;
  failedAt?: string;
  /** The last error, e.g. `Error: Slack answered 500`. */
  error?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const FUNCTION_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/;

/** One line of an error: `Type: message`, at most 160 characters. */
function oneLine(type: unknown, message: unknown): string {
  const text = [type, message].filter((part) => typeof part === 'string' && part !== '').join(': ');
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
}

/** A message body read as a failure record, or why it is not one. */
export function readRecord(body: string | undefined): FailureRecord | { problem: string } {
  let record: unknown;
  try {
    record = JSON.parse(body ?? '');
  } catch {
    return { problem: 'not JSON' };
  }
  if (!isObject(record) || !isObject(record.requestContext))
    return { problem: 'no requestContext: not a Lambda failure record' };
  const { functionArn, condition, approximateInvokeCount } = record.requestContext;
  const match = typeof functionArn === 'string' ? FUNCTION_ARN.exec(functionArn) : null;
  if (typeof functionArn !== 'string' || !match?.[1])
    return { problem: 'no function ARN in requestContext.functionArn' };
  if (!('requestPayload' in record)) return { problem: 'no requestPayload (the original event)' };
  const response = isObject(record.responsePayload) ? record.responsePayload : {};
  const context = isObject(record.responseContext) ? record.responseContext : {};
  return {
    functionArn,
    functionName: match[1],
    event: record.requestPayload,
    condition: typeof condition === 'string' ? condition : undefined,
    attempts: typeof approximateInvokeCount === 'number' ? approximateInvokeCount : undefined,
    failedAt: typeof record.timestamp === 'string' ? record.timestamp : undefined,
    error:
      oneLine(response.errorType, response.errorMessage) ||
      (typeof context.functionError === 'string' ? context.functionError : undefined),
  };
}

/**
 * A function of this stage: `herald-<stage>-<function>`, the function name without a hyphen (so
 * that stage `prod` never takes `herald-prod-eu-codebuild` of stage `prod-eu`).
 */
export function isStageFunction(functionName: string, stage: string): boolean {
  const prefix = `herald-${stage}-`;
  return functionName.startsWith(prefix) && /^[A-Za-z0-9_]+$/.test(functionName.slice(prefix.length));
}

/** The event in a few words: its detail-type (EventBridge) or source (SNS, CodeCommit), and its time. */
export function describeEvent(event: unknown): string {
  if (!isObject(event)) return 'an event';
  if (typeof event['detail-type'] === 'string')
    return `"${event['detail-type']}"${typeof event.time === 'string' ? ` of ${event.time}` : ''}`;
  const first = Array.isArray(event.Records) && isObject(event.Records[0]) ? event.Records[0] : undefined;
  const source = first?.EventSource ?? first?.eventSource;
  if (typeof source === 'string') {
    const sns = isObject(first?.Sns) ? first.Sns : undefined;
    const time = sns?.Timestamp ?? first?.eventTime;
    return `an ${source} record${typeof time === 'string' ? ` of ${time}` : ''}`;
  }
  return 'an event';
}

/** What the original failure was: `RetriesExhausted after 3 attempts, 2025-…: Error: …`. */
function failureOf(record: FailureRecord): string {
  const how = [
    record.condition,
    record.attempts !== undefined ? `after ${record.attempts} attempts` : undefined,
    record.failedAt ? `at ${record.failedAt}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  return [how, record.error].filter(Boolean).join(': ') || 'failed';
}

export interface RedriveClients {
  sqs: Send<SQSClient>;
  lambda: Send<LambdaClient>;
}

export interface RedriveOptions {
  stage: string;
  dryRun?: boolean;
  print?: (line: string) => void;
}

export interface RedriveResult {
  messages: number;
  redriven: number;
  kept: number;
  /** Dry run: the messages that would run again. */
  wouldRedrive: number;
  exitCode: number;
}

/** Long enough for ten invocations of up to 30 s each (serverless.yml's timeout) and their deletes. */
const VISIBILITY_SECONDS = 600;
/** A dry run only lists: the messages come back soon even if it is cut short. */
const DRY_RUN_VISIBILITY_SECONDS = 60;

/** Every message in the queue, once each (a received message stays hidden until the run releases it). */
async function* receiveAll(sqs: Send<SQSClient>, queueUrl: string, visibility: number) {
  const seen = new Set<string>();
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibility,
        WaitTimeSeconds: 1,
      }),
    );
    const fresh = Messages.filter((m) => m.MessageId && m.ReceiptHandle && !seen.has(m.MessageId));
    if (fresh.length === 0) return;
    for (const message of fresh) {
      seen.add(message.MessageId ?? '');
      yield message;
    }
  }
}

type Outcome = { ran: true } | { ran: false; why: string };

/** Runs the function again with its original event and waits for its answer. */
async function invokeAgain(lambda: Send<LambdaClient>, record: FailureRecord): Promise<Outcome> {
  try {
    const answer = await lambda.send(
      new InvokeCommand({
        FunctionName: record.functionArn,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(record.event)),
      }),
    );
    if (!answer.FunctionError) return { ran: true };
    let error: unknown;
    try {
      error = JSON.parse(Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8'));
    } catch {
      error = undefined;
    }
    const said = isObject(error) ? oneLine(error.errorType, error.errorMessage) : '';
    return { ran: false, why: `failed again (${said || answer.FunctionError})` };
  } catch (error) {
    stopOnSetup(error);
    const name = errorName(error);
    if (name === 'ResourceNotFoundException')
      return { ran: false, why: 'the function does not exist (any more): not invoked' };
    if (name === 'AccessDeniedException')
      return { ran: false, why: 'not invoked: your credentials need lambda:InvokeFunction on it' };
    return { ran: false, why: `could not be invoked (${name})` };
  }
}

const short = (message: Message) => (message.MessageId ?? '').slice(0, 8);

/** Redrives (or, dry run, lists) every message of the stage's failed-events queue. */
export async function redrive(clients: RedriveClients, options: RedriveOptions): Promise<RedriveResult> {
  const { stage, dryRun = false, print = console.log } = options;
  const queue = failedEventsQueue(stage);
  const result: RedriveResult = { messages: 0, redriven: 0, kept: 0, wouldRedrive: 0, exitCode: 0 };
  let queueUrl: string | undefined;
  try {
    ({ QueueUrl: queueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queue })));
  } catch (error) {
    stopOnSetup(error);
    const missing = /QueueDoesNotExist|NonExistentQueue/.test(errorName(error));
    print(
      missing
        ? `✗ queue ${queue} does not exist: deploy with npx sls deploy --stage ${stage}`
        : `✗ queue ${queue} could not be read (${errorName(error)}): your credentials need sqs:GetQueueUrl on it`,
    );
    return { ...result, exitCode: 1 };
  }
  if (!queueUrl) throw new Error(`SQS gave no URL for ${queue}`);
  const keptHandles: string[] = [];
  const keep = (message: Message, line: string) => {
    result.kept += 1;
    keptHandles.push(message.ReceiptHandle ?? '');
    print(line);
  };
  for await (const message of receiveAll(
    clients.sqs,
    queueUrl,
    dryRun ? DRY_RUN_VISIBILITY_SECONDS : VISIBILITY_SECONDS,
  )) {
    result.messages += 1;
    const record = readRecord(message.Body);
    if ('problem' in record) {
      keep(message, `✗ ${short(message)}: ${record.problem}; kept in the queue`);
      continue;
    }
    const what = `${short(message)} ${record.functionName}, ${describeEvent(record.event)}`;
    if (!isStageFunction(record.functionName, stage)) {
      keep(message, `✗ ${what}: not a function of stage ${stage}, not invoked; kept in the queue`);
      continue;
    }
    if (dryRun) {
      result.wouldRedrive += 1;
      keptHandles.push(message.ReceiptHandle ?? '');
      print(`· ${what} (${failureOf(record)}): would run again`);
      continue;
    }
    const outcome = await invokeAgain(clients.lambda, record);
    if (!outcome.ran) {
      keep(message, `✗ ${what}: ${outcome.why}; kept in the queue`);
      continue;
    }
    await clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
    result.redriven += 1;
    print(`✓ ${what}: ran again and succeeded; deleted from the queue`);
  }
  await release(clients.sqs, queueUrl, keptHandles, print);
  print(summary(result, queue, dryRun));
  return { ...result, exitCode: !dryRun && result.kept > 0 ? 1 : 0 };
}

/** Makes the messages kept visible again at once (not after the visibility timeout). */
async function release(
  sqs: Send<SQSClient>,
  queueUrl: string,
  handles: string[],
  print: (line: string) => void,
): Promise<void> {
  let failed = 0;
  for (const handle of handles) {
    try {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: handle,
          VisibilityTimeout: 0,
        }),
      );
    } catch {
      failed += 1;
    }
  }
  if (failed > 0)
    print(
      `${failed} message(s) kept stay hidden for up to ${VISIBILITY_SECONDS / 60} minutes (sqs:ChangeMessageVisibility failed)`,
    );
}

function summary(result: RedriveResult, queue: string, dryRun: boolean): string {
  const { messages, redriven, kept, wouldRedrive } = result;
  if (messages === 0) return `${queue} is empty: nothing to redrive.`;
  const count = `${messages} message${messages === 1 ? '' : 's'} in ${queue}`;
  if (dryRun)
    return `Dry run: ${count}, ${wouldRedrive} would run again, ${kept} would stay; nothing was invoked or deleted.`;
  return `${count}: ${redriven} redriven and deleted, ${kept} kept.`;
}
