import { classifyTask, type ServiceSettings } from '../../../functions/ecs/classify';
import type { TaskEvent } from '../../../functions/ecs/schema';
import { sampleEvent } from '../../helpers/lambda';

const SETTINGS: ServiceSettings = { windowMinutes: 15, spotInterruptions: false, userStops: false };

function task(changes: Partial<TaskEvent['detail']>): TaskEvent {
  const event = sampleEvent('ecs/task-crashed.json') as TaskEvent;
  return { ...event, detail: { ...event.detail, ...changes } };
}

describe('classifyTask', () => {
  it('treats a clean scheduler stop as churn whatever the reason says (blue/green original task set)', () => {
    const verdict = classifyTask(
      task({
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Task set ecs-svc/1111 was terminated after the deployment completed',
        containers: [
          { name: 'web', exitCode: 143 },
          { name: 'log-router', exitCode: 0 },
        ],
      }),
      SETTINGS,
    );

    expect(verdict).toEqual({
      alert: false,
      reason:
        'stopped by the scheduler and shut down cleanly: Task set ecs-svc/1111 was terminated after the deployment completed',
    });
  });

  it('still alerts when the scheduler stops a task whose container died', () => {
    const verdict = classifyTask(
      task({
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Task stopped',
        containers: [{ name: 'web', exitCode: 137 }],
      }),
      SETTINGS,
    );

    expect(verdict).toEqual({ alert: true, kind: 'task.crashed' });
  });

  it('alerts on failed health checks even when the container shut down cleanly', () => {
    const verdict = classifyTask(
      task({
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Task failed container health checks',
        containers: [{ name: 'web', exitCode: 143 }],
      }),
      SETTINGS,
    );

    expect(verdict).toEqual({ alert: true, kind: 'task.health-check-failed' });
  });

  it('ignores tasks that are not stopped', () => {
    expect(classifyTask(task({ lastStatus: 'RUNNING' }), SETTINGS)).toEqual({
      alert: false,
      reason: 'task is RUNNING, not stopped',
    });
  });
});
