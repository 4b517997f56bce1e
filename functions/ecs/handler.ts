/**
 * ECS runtime alerts → Slack: tasks that stop abnormally, failing health checks, placement and
 * start failures, failed deployments; expected churn is filtered, crash loops are folded.
 * Triggers: EventBridge `ECS Task State Change` (STOPPED only), `ECS Deployment State Change`,
 * `ECS Service Action` (WARN/ERROR only), and a schedule that reports folded runs.
 * Event docs: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html
 */
import type { Context } from 'aws-lambda';
import * as v from 'valibot';
import { dynamoClient, ecsClient } from '../../shared/aws/clients';
import { rollbackRuleFor } from '../../shared/decisions/rollbacks';
import { eventHandler } from '../../shared/flow/handler';
import { send } from '../../shared/flow/notify';
import { createRuntime, type Runtime } from '../../shared/flow/runtime';
import { withHerald } from '../../shared/lambda/middleware';
import type { BakeWindow } from '../../shared/state/bake-window';
import { type FloodDeps, sweep } from '../../shared/state/flood';
import { describeAlert, describeFoldedRun } from './describe';
import { type EnrichDeps, enrichAlert, recordAlert } from './enrich';
import { modelsOf } from './model';
import { ecsInputSchema, scheduleSchema } from './schema';

function floodGate(runtime: Runtime): FloodDeps | undefined {
  const table = runtime.config.stateTable;
  return table ? { dynamo: dynamoClient(), table, log: runtime.log } : undefined;
}

function enrichDeps(runtime: Runtime): EnrichDeps {
  const state = floodGate(runtime);
  const bake = state && { state, ruleFor: (w: BakeWindow) => rollbackRuleFor(w, runtime.routing) };
  return { ecs: ecsClient(), flood: state, log: runtime.log, bake };
}

const handleAlerts = eventHandler('ecs', ecsInputSchema, modelsOf, {
  describe: describeAlert,
  // The flood gate counts what is announced: a muted kind opens no window.
  record: async (alert, runtime, routed) => (routed ? recordAlert(alert, enrichDeps(runtime)) : undefined),
  enrich: (alert, runtime, recorded) =>
    enrichAlert(alert, enrichDeps(runtime), recorded?.admission, recorded?.reads),
});

/** The schedule: one summary per folded run whose window closed with nobody to report it. */
async function reportFoldedRuns(runtime: Runtime): Promise<void> {
  const flood = floodGate(runtime);
  const runs = flood ? await sweep(runtime.now(), flood) : [];
  if (runs.length === 0) {
    runtime.log.info('Notice not sent', {
      source: 'ecs',
      reason: flood ? 'no folded alerts to report' : 'no flood gate table',
    });
  }
  for (const run of runs) await send(runtime, describeFoldedRun(run));
}

async function handleEcsEvents(input: unknown, context: Context): Promise<void> {
  if (v.is(scheduleSchema, input)) return reportFoldedRuns(createRuntime(context));
  return handleAlerts(input, context);
}

export const handler = withHerald('ecs', handleEcsEvents);
