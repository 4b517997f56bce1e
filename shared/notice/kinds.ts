/**
 * Every kind of notice Herald emits, per source: what `mute` and a route's `kinds` can name. A
 * pattern ends in `.*` where the rest is the event's own state (a phase, a stage's state). The
 * routing checker refuses a kind that matches none of these (a typo would silently never match),
 * and names the near ones; test/samples.test.ts keeps this list true to what the describers emit.
 */
import type { Source } from './notice';

export const KINDS: Record<Source, string[]> = {
  codebuild: [
    'build.started',
    'build.succeeded',
    'build.failed',
    'build.faulted',
    'build.timed-out',
    'build.stopped',
    'build.*',
    'phase.*',
  ],
  codecommit: [
    'push',
    'push.forced',
    'branch.created',
    'branch.deleted',
    'tag.created',
    'tag.deleted',
    'pull-request.created',
    'pull-request.source-updated',
    'pull-request.merged',
    'pull-request.closed',
    'pull-request.reopened',
    'pull-request.approved',
    'pull-request.approval-revoked',
    'pull-request.rules-overridden',
    'pull-request.*',
    'comment.pull-request',
    'comment.commit',
    'merge-commit.created',
    'trigger.test',
  ],
  codedeploy: [
    'deployment.created',
    'deployment.started',
    'deployment.ready',
    'deployment.succeeded',
    'deployment.failed',
    'deployment.stopped',
    'deployment.rolled-back',
    'deployment.*',
    'rollback.created',
    'rollback.started',
    'rollback.ready',
    'rollback.succeeded',
    'rollback.failed',
    'rollback.stopped',
    'rollback.rolled-back',
    'rollback.*',
    'instance.*',
  ],
  codepipeline: [
    'pipeline.started',
    'pipeline.succeeded',
    'pipeline.failed',
    'pipeline.superseded',
    'pipeline.stopped',
    'pipeline.stopping',
    'pipeline.canceled',
    'pipeline.resumed',
    'pipeline.*',
    'stage.*',
    'action.started',
    'action.succeeded',
    'action.failed',
    'action.*',
    'approval.waiting',
    'approval.approved',
    'approval.rejected',
    'approval.*',
  ],
  ecs: [
    'task.crashed',
    'task.out-of-memory',
    'task.health-check-failed',
    'task.failed-to-start',
    'task.spot-interrupted',
    'task.spot-termination-notice',
    'task.stopped-by-user',
    'task.stopped',
    'deployment.failed',
    'service.placement-failed',
    'service.start-impaired',
    'service.*',
    'alerts.folded',
  ],
  approval: ['approval.requested', 'approval.expired'],
  herald: ['event.unreadable', 'metrics.digest'],
};

/** Does `kind` (as a notice says it) belong to `source`'s kinds? */
export function isKnownKind(source: Source, kind: string): boolean {
  return KINDS[source].some((known) =>
    known.endsWith('.*') ? kind.startsWith(known.slice(0, -1)) : known === kind,
  );
}
