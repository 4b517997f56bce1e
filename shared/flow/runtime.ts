/**
 * What every notifier needs per invocation, built from the container's configuration: routing,
 * Slack destinations, the time budget, the delivery log.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoClient, ssmClient } from '../aws/clients';
import type { PipelineReader } from '../aws/pipelines';
import { type ParameterReader, ssmParameterReader } from '../aws/secrets';
import { getConfig, type HeraldConfig } from '../lambda/config';
import { once } from '../lambda/container';
import { type Log, logger } from '../lambda/logger';
import type { ReleaseDeps } from '../releases/deliver';
import type { PipelineDeps } from '../releases/pipelines';
import { loadRouting } from '../routing/load';
import { matchesGlob } from '../routing/route';
import type { RoutingConfig } from '../routing/schema';
import { watchOf } from '../routing/watch';
import { createDestinationResolver, type DestinationResolver, isAppChannel } from '../slack/destinations';
import { type DeliveryLog, dynamoDeliveryLog } from '../state/delivery-log';

/** Time kept back from the Lambda's budget so that a failure is logged before the timeout. */
const SAFETY_MARGIN_MS = 1500;

export interface Runtime {
  config: HeraldConfig;
  routing: RoutingConfig;
  destinations: DestinationResolver;
  log: Log;
  /** Epoch ms by which Slack must have been reached or given up. */
  deadline: number;
  /** Epoch ms now, by which events are judged (an approval request past its expiry). */
  now: () => number;
  deliveryLog?: DeliveryLog;
  /** With a state table: what Herald knows of the watched pipelines (their structure). */
  pipelines?: PipelineDeps;
  /** App mode with a state table: release cards and threads. */
  releases?: ReleaseDeps;
}

/** What a function may add: CodePipeline's reads, to find builds and deployments in their release. */
export interface RuntimeExtras {
  pipelines?: PipelineReader;
}

/** Is a pipeline one whose runs get release cards: watched, and not left out by `releases.except`? */
export function followsPipeline(config: HeraldConfig, routing: RoutingConfig): (pipeline: string) => boolean {
  const watch = watchOf(config.watch, routing);
  const except = routing.releases?.except ?? [];
  return (pipeline) =>
    (!watch ||
      watch.pipelines.length === 0 ||
      watch.pipelines.some((entry) => matchesGlob(entry, pipeline))) &&
    !except.some((glob) => matchesGlob(glob, pipeline));
}

/** The routing file of this container's stage, read and checked once. */
export const currentRouting = once(() => {
  const config = getConfig();
  return loadRouting(config.stage, config.inLambda);
});

/** A runtime from its parts: the seam tests build theirs through. */
export function assembleRuntime(parts: {
  config: HeraldConfig;
  routing: RoutingConfig;
  readParameter: ParameterReader;
  log: Log;
  remainingMs: number;
  dynamo?: Pick<DynamoDBClient, 'send'>;
  pipelines?: PipelineReader;
  now?: () => number;
}): Runtime {
  const { config, routing, readParameter, log, dynamo, now } = parts;
  const runtime: Runtime = {
    config,
    routing,
    destinations: createDestinationResolver({ routing, config, readParameter }),
    log,
    deadline: Date.now() + parts.remainingMs - SAFETY_MARGIN_MS,
    now: now ?? (config.clock === undefined ? Date.now : () => config.clock as number),
  };
  if (dynamo && config.stateTable && !config.deliveryLogDisabled) {
    runtime.deliveryLog = dynamoDeliveryLog({ dynamo, table: config.stateTable, log, now });
  }
  const appMode =
    Boolean(config.appOverride) ||
    Object.keys(routing.channels).some((c) => isAppChannel(c, routing, config));
  if (dynamo && config.stateTable) {
    runtime.pipelines = {
      dynamo,
      table: config.stateTable,
      now,
      reader: parts.pipelines,
      follows: followsPipeline(config, routing),
    };
  }
  if (runtime.pipelines && appMode && routing.releases?.cards !== false) {
    runtime.releases = {
      ...runtime.pipelines,
      log,
      deadline: runtime.deadline,
      cardSpacingMs: config.cardSpacingMs,
    };
  }
  return runtime;
}

export function createRuntime(
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  extras: RuntimeExtras = {},
): Runtime {
  const config = getConfig();
  return assembleRuntime({
    config,
    routing: currentRouting(),
    readParameter: ssmParameterReader(ssmClient()),
    log: logger,
    remainingMs: context.getRemainingTimeInMillis(),
    dynamo: config.stateTable ? dynamoClient() : undefined,
    pipelines: extras.pipelines,
  });
}
