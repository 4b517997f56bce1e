/**
 * What every notifier needs per invocation, built from the configuration: routing, webhook
 * resolution, the time budget, the delivery log. Handlers call `createRuntime`, then `notify` for
 * each event (or `publish` for notices that need no AWS read).
 */
import type { Context } from 'aws-lambda';
import { dynamoClient, ssmClient } from './aws/clients';
import { ssmParameterReader } from './aws/secrets';
import { getConfig, type HeraldConfig } from './config';
import { type DeliveryLog, dynamoDeliveryLog, fingerprint } from './delivery-log';
import { type Log, logger } from './logger';
import type { Notice, Source } from './notice';
import type { Rejected } from './parse';
import { publish, releaseClaims } from './publish';
import { loadRouting } from './routing/load';
import { routeNotice } from './routing/route';
import type { RoutingConfig } from './routing/schema';
import { createWebhookResolver, type WebhookResolver } from './slack/webhooks';

/** Time kept back from the Lambda's budget so that a failure is logged before the timeout. */
export const SAFETY_MARGIN_MS = 1500;

export interface Runtime {
  config: HeraldConfig;
  routing: RoutingConfig;
  webhookFor: WebhookResolver;
  log: Log;
  deadline: number;
  deliveryLog?: DeliveryLog;
}

let routing: RoutingConfig | undefined;

/** Tests change the routing files between cases; the container-wide copy must not carry over. */
export function resetRoutingForTests(): void {
  routing = undefined;
}

export function createRuntime(context: Pick<Context, 'getRemainingTimeInMillis'>): Runtime {
  const config = getConfig();
  routing ??= loadRouting(config.stage, undefined, config.inLambda);
  const webhookFor = createWebhookResolver({
    routing,
    override: config.webhookOverride,
    readParameter: ssmParameterReader(ssmClient()),
  });
  const runtime: Runtime = {
    config,
    routing,
    webhookFor,
    log: logger,
    deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
  };
  if (config.stateTable && !config.deliveryLogDisabled) {
    runtime.deliveryLog = dynamoDeliveryLog({
      dynamo: dynamoClient(),
      table: config.stateTable,
      log: logger,
    });
  }
  return runtime;
}

/**
 * A payload that could not be read still reaches the team: a short notice says what arrived and
 * why it was not understood, so nothing is lost silently.
 */
export function describeUnreadable(source: Source, rejected: Rejected, region: string): Notice {
  return {
    source: 'herald',
    kind: 'event.unreadable',
    severity: 'warning',
    title: `Herald could not read a ${source} event`,
    summary: `It was logged; the message below is all Herald knows.`,
    facts: [
      { label: 'Event', value: rejected.label || 'unknown' },
      { label: 'Region', value: region },
    ],
    details: [{ type: 'text', label: 'Why', text: rejected.reason }],
    links: [],
    context: ['Herald', source],
    correlation: {},
  };
}

/** Log and publish the notices for unreadable payloads. */
export async function publishRejected(source: Source, rejected: Rejected[], runtime: Runtime): Promise<void> {
  for (const reject of rejected) {
    runtime.log.error('Event could not be read', { source, label: reject.label, reason: reject.reason });
    await publish(describeUnreadable(source, reject, runtime.config.region), runtime);
  }
}

/**
 * Route first, enrich only if the notice goes somewhere. `draft` is the notice described from the
 * event alone (routing needs nothing more); `complete` does the AWS reads and describes it again,
 * or returns nothing when, having looked, there is nothing to send.
 * The webhook secrets are read while `complete` runs.
 */
export async function notify(
  runtime: Runtime,
  draft: Notice,
  complete: () => Promise<Notice | undefined>,
): Promise<void> {
  const { channels } = routeNotice(draft, runtime.routing);
  if (channels.length === 0) {
    await publish(draft, runtime);
    return;
  }
  Promise.all(channels.map(runtime.webhookFor)).catch(() => undefined);
  // The delivery log's claims, like the secrets, are made while enrichment runs.
  const id = fingerprint(draft);
  const { deliveryLog } = runtime;
  const claims = new Map(
    channels.map((channel) => [
      channel,
      deliveryLog ? deliveryLog.claim(id, channel) : Promise.resolve(true),
    ]),
  );
  let notice: Notice | undefined;
  try {
    notice = await complete();
  } catch (error) {
    await releaseClaims(deliveryLog, id, claims);
    throw error;
  }
  // `complete` may decide there is nothing to say after all (the ECS flood gate folds repeats).
  if (!notice) {
    await releaseClaims(deliveryLog, id, claims);
    return;
  }
  const outcome = await publish(notice, runtime, { identity: draft, claims });
  // Claims of channels the complete notice no longer routes to are given back.
  const unused = new Map([...claims].filter(([channel]) => !outcome.channels.includes(channel)));
  await releaseClaims(deliveryLog, id, unused);
}
