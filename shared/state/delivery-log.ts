/**
 * Events come at least once, and an invocation that fails after posting to one channel is retried
 * whole. The delivery log (`sent#` items) makes each notice reach each channel once: before
 * posting, the channel is claimed for the notice (a conditional write, leased for a minute); after
 * posting, the claim is kept for a day; when posting fails, it is released so the retry posts. A
 * notice is known by a fingerprint of what the event alone says (the draft), so a retry whose AWS
 * reads went differently is still recognised. If the log cannot be read or written, Herald posts
 * anyway: a duplicate is better than a lost alert.
 */
import { createHash } from 'node:crypto';
import { awsErrorName } from '../aws/clients';
import type { Log } from '../lambda/logger';
import type { Notice } from '../notice/notice';
import { expiryOf, n, nowOf, removeIf, s, type TableDeps, updateIf } from './table';

const LEASE_MS = 60_000;
const NAMES = { '#key': 'key', '#status': 'status' };

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

export function dynamoDeliveryLog(options: TableDeps & { log: Log }): DeliveryLog {
  const { log } = options;
  const id = (notice: string, target: string) => `${notice}#${target}`;
  /** The leases this log holds: a release gives back its own claim, never a later one's. */
  const leases = new Map<string, number>();
  return {
    async claim(notice, target) {
      const at = nowOf(options);
      try {
        const written = await updateIf(options, 'sent', id(notice, target), {
          UpdateExpression: 'SET #status = :sending, leaseUntil = :lease, expiresAt = :ttl',
          ConditionExpression: 'attribute_not_exists(#key) OR (#status = :sending AND leaseUntil < :now)',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: {
            ':sending': s('sending'),
            ':lease': n(at + LEASE_MS),
            ':ttl': expiryOf('sent', at),
            ':now': n(at),
          },
        });
        if (written !== false) leases.set(id(notice, target), at + LEASE_MS);
        return written !== false;
      } catch (error) {
        log.warn('Delivery log unavailable; posting without it', { error: awsErrorName(error) });
        return true;
      }
    },
    async sent(notice, target) {
      leases.delete(id(notice, target));
      try {
        await updateIf(options, 'sent', id(notice, target), {
          UpdateExpression: 'SET #status = :sent, expiresAt = :ttl REMOVE leaseUntil',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': s('sent'), ':ttl': expiryOf('sent', nowOf(options)) },
        });
      } catch (error) {
        log.warn('Could not record a delivery; a retry may post it again', { error: awsErrorName(error) });
      }
    },
    async release(notice, target) {
      const key = id(notice, target);
      const lease = leases.get(key);
      // No claim of ours (the log was unavailable when it was taken): nothing to give back.
      if (lease === undefined) return;
      leases.delete(key);
      try {
        // Only our claim, still sending, is given back: a delivery recorded meanwhile stays
        // recorded, and a claim taken after ours ran out stays with whoever took it.
        await removeIf(options, 'sent', key, {
          ConditionExpression: '#status = :sending AND leaseUntil = :lease',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': s('sending'), ':lease': n(lease) },
        });
      } catch (error) {
        log.warn('Could not release a failed delivery; it stays claimed for a minute', {
          error: awsErrorName(error),
        });
      }
    },
  };
}
