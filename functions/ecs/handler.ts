/**
 * ECS runtime alerts → Slack: tasks that stop abnormally, failing health checks, placement and
 * start failures, failed deployments; expected churn is filtered, crash loops are folded.
 * Triggers: EventBridge `ECS Task State Change` (STOPPED only), `ECS Deployment State Change`,
 * `ECS Service Action` (WARN/ERROR only), and a schedule that sweeps folded runs.
 * Event docs: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html
 */
import type { Context } from 'aws-lambda';
import { dynamoClient, ecsClient } from '../../shared/aws/clients';
import { withHerald } from '../../shared/middleware';
import type { Notice } from '../../shared/notice';
import { parseEvents } from '../../shared/parse';
import { publish } from '../../shared/publish';
import { environmentOf } from '../../shared/routing/route';
import { createRuntime, notify, publishRejected, type Runtime } from '../../shared/runtime';
import {
  classifyDeployment,
  classifyServiceAction,
  classifyTask,
  type ServiceSettings,
  settingsFor,
  type Verdict,
} from './classify';
import { describeFoldedRun, describeServiceEvent, describeTask, serviceOfTask } from './describe';
import { readTaskDefinitionLogs } from './enrich';
import { type Admission, admit, sweep } from './flood';
import {
  clusterName,
  ecsInputSchema,
  isDeployment,
  isSchedule,
  isServiceAction,
  isTask,
  serviceOf,
} from './schema';

async function gate(
  runtime: Runtime,
  key: string,
  windowMinutes: number,
  kind: string,
  region: string,
): Promise<Admission> {
  const table = runtime.config.stateTable;
  if (!table) return { admitted: true, folded: 0, storage: 'unavailable' };
  return admit(key, windowMinutes, kind, region, Date.now(), {
    dynamo: dynamoClient(),
    table,
    log: runtime.log,
  });
}

interface Subject {
  cluster: string;
  service: string;
  region: string;
}

/**
 * One ECS alert: silent when the verdict says churn; else routed, folded by the flood gate when
 * its service already spoke in this window, and described in full only when it will be sent.
 * `describe` without an admission gives the draft that routing needs.
 */
async function alert(
  runtime: Runtime,
  subject: Subject,
  settings: ServiceSettings,
  verdict: Verdict,
  describe: (kind: string, environment: string | undefined, admission?: Admission) => Promise<Notice>,
): Promise<void> {
  const { cluster, service, region } = subject;
  if (!verdict.alert) {
    runtime.log.info('Notice not sent', {
      source: 'ecs',
      cluster,
      ecsService: service,
      reason: verdict.reason,
    });
    return;
  }
  const { kind } = verdict;
  const environment = environmentOf(service, runtime.routing);
  await notify(runtime, await describe(kind, environment), async () => {
    const admission = await gate(runtime, `${cluster}/${service}`, settings.windowMinutes, kind, region);
    if (!admission.admitted) {
      runtime.log.info('Alert folded into the open window', { cluster, ecsService: service, kind });
      return undefined;
    }
    return describe(kind, environment, admission);
  });
}

export async function handleEcsEvents(input: unknown, context: Context): Promise<void> {
  const runtime = createRuntime(context);
  const { events, rejected } = parseEvents(input, ecsInputSchema);
  await publishRejected('ecs', rejected, runtime);
  for (const event of events) {
    if (isSchedule(event)) {
      const table = runtime.config.stateTable;
      const runs = table ? await sweep(Date.now(), { dynamo: dynamoClient(), table, log: runtime.log }) : [];
      if (runs.length === 0) {
        runtime.log.info('Notice not sent', {
          source: 'ecs',
          reason: table ? 'no folded alerts to report' : 'no flood gate table',
        });
      }
      for (const run of runs) await publish(describeFoldedRun(run), runtime);
      continue;
    }
    if (isTask(event)) {
      const cluster = clusterName(event.detail.clusterArn) ?? 'unknown';
      const service = serviceOfTask(event);
      const settings = settingsFor(cluster, service, runtime.routing);
      await alert(
        runtime,
        { cluster, service, region: event.region },
        settings,
        classifyTask(event, settings),
        async (kind, environment, admission) => {
          if (!admission) return describeTask(event, kind, undefined, { environment });
          const { logs, problem } = await readTaskDefinitionLogs(event.detail.taskDefinitionArn, {
            ecs: ecsClient(),
            log: runtime.log,
          });
          return describeTask(event, kind, logs, {
            environment,
            folding: admission,
            problems: problem ? [problem] : [],
          });
        },
      );
      continue;
    }
    if (isDeployment(event) || isServiceAction(event)) {
      const fromArn = serviceOf(event.resources?.[0]);
      const cluster =
        fromArn.cluster ??
        clusterName('clusterArn' in event.detail ? event.detail.clusterArn : undefined) ??
        'unknown';
      const service = fromArn.service ?? 'unknown';
      const verdict = isDeployment(event) ? classifyDeployment(event) : classifyServiceAction(event);
      const settings = settingsFor(cluster, service, runtime.routing);
      await alert(
        runtime,
        { cluster, service, region: event.region },
        settings,
        verdict,
        async (kind, environment, admission) =>
          describeServiceEvent(event, kind, { environment, folding: admission }),
      );
      continue;
    }
    runtime.log.info('Notice not sent', {
      source: 'ecs',
      reason: `${event['detail-type']} is never an alert`,
    });
  }
}

export const handler = withHerald('ecs', handleEcsEvents);
