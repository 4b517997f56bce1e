/**
 * Events come at least once, and an invocation that fails after posting to one channel is retried
 * whole. The delivery log makes each notice reach each channel once: before posting, the channel
 * is claimed for the notice (a conditional write, leased for a minute); after posting, the claim
 * is kept for a day; when posting fails, it is released so the retry posts. A notice is known by
 * a fingerprint of what the event alone says (the draft), so a retry whose AWS reads went
 * differently is still recognised. If the log cannot be read or written, Herald posts anyway:
 * a duplicate is better than a lost alert.
 */
import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { awsErrorName } from '../aws/clients';
import type { Log } from '../lambda/logger';
import type { Notice } from '../notice/notice';

const CLAIM_CONDITION = 'attribute_not_exists(#key) OR (#status = :sending AND leaseUntil < :now)';
const DONE = 'SET #status = :sent, expiresAt = :ttl REMOVE leaseUntil';
const LEASE_MS = 60_000;
const KEEP_SECONDS = 86_400;

/** What identifies a notice across retries and duplicates of its event. */
export function fingerprint(notice: Notice): string {
  const identity = {
    source: notice.source,
    kind: notice.kind,
    title: notice.title,
    summary: notice.summary,
    facts: notice.facts,
    correlation: notice.correlation,
    occurredAt: notice.occurredAt,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

export interface DeliveryLog {
  /** True: post now. False: this notice already reached (or is reaching) this target. */
  claim(notice: string, target: string): Promise<boolean>;
  sent(notice: string, target: string): Promise<void>;
  release(notice: string, target: string): Promise<void>;
}

export function dynamoDeliveryLog(options: {
  dynamo: Pick<DynamoDBClient, 'send'>;
  table: string;
  log: Log;
  now?: () => number;
}): DeliveryLog {
  const { dynamo, table, log, now = Date.now } = options;
  const key = (notice: string, target: string) => ({ key: { S: `sent#${notice}#${target}` } });
  const names = { '#key': 'key', '#status': 'status' };
  return {
    async claim(notice, target) {
      const at = now();
      try {
        await dynamo.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              ...key(notice, target),
              status: { S: 'sending' },
              leaseUntil: { N: String(at + LEASE_MS) },
              expiresAt: { N: String(Math.floor(at / 1000) + KEEP_SECONDS) },
            },
            ConditionExpression: CLAIM_CONDITION,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':sending': { S: 'sending' }, ':now': { N: String(at) } },
          }),
        );
        return true;
      } catch (error) {
        if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
        log.warn('Delivery log unavailable; posting without it', { error: awsErrorName(error) });
        return true;
      }
    },
    async sent(notice, target) {
      try {
        await dynamo.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key(notice, target),
            UpdateExpression: DONE,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sent': { S: 'sent' },
              ':ttl': { N: String(Math.floor(now() / 1000) + KEEP_SECONDS) },
            },
          }),
        );
      } catch (error) {
        log.warn('Could not record a delivery; a retry may post it again', { error: awsErrorName(error) });
      }
    },
    async release(notice, target) {
      try {
        await dynamo.send(new DeleteItemCommand({ TableName: table, Key: key(notice, target) }));
      } catch (error) {
        log.warn('Could not release a failed delivery; it stays claimed for a minute', {
          error: awsErrorName(error),
        });
      }
    },
  };
}
