/**
 * App mode: a decision made in Slack shows on the request (replaced by the bot with chat.update,
 * its header carrying the outcome) and on the release card (the Approval stage says who decided,
 * when, and with what comment).
 */

import { createSlackActionsHandler } from '../../functions/slack-actions/handler';
import { APPROVE_ACTION } from '../../shared/decisions/approvals';
import { resetForTests } from '../../shared/lambda/container';
import { routingFile } from '../../shared/routing/files';
import { happyRelease } from '../../testkit/releases';
import { clickPayload, signedRequest } from '../../testkit/slack-interaction';
import { captureLogs, lambdaContext } from '../helpers/lambda';
import { CHANNEL, useReleaseRig } from '../helpers/release-rig';
import { visibleText } from '../helpers/slack-limits';

const { play, rig } = useReleaseRig();
const stageRouting = routingFile('stage') as { approvals: { rules: unknown[] } };
const shipped = stageRouting.approvals.rules;

beforeEach(() => {
  stageRouting.approvals.rules = [
    {
      stages: ['Approval*'],
      environment: 'prod',
      approvers: [{ slackUserId: 'U0APPROVER', name: 'Li Wei' }],
    },
  ];
  resetForTests();
});

afterEach(() => {
  stageRouting.approvals.rules = shipped;
});

describe('an approval decided in Slack, in app mode', () => {
  it('replaces the request with the outcome and shows who decided on the card', async () => {
    const release = happyRelease();
    const upTo = release.events.findIndex((event) => event.name === 'approval requested');
    await play(release, release.events.slice(0, upTo + 1));
    const request = rig().slack.requests.find(
      (r) =>
        r.path === '/api/chat.postMessage' &&
        String((r.json as { text?: string }).text).includes('Approval needed'),
    );
    const requestTs = (JSON.parse(request?.answer ?? '{}') as { ts?: string }).ts;
    const posted = (request?.json ?? { blocks: [] }) as {
      blocks: Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>;
    };
    const { blocks } = posted;
    const value = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === APPROVE_ACTION)?.value;
    expect(requestTs).toBeDefined();
    expect(value).toContain(release.executionId);
    const before = rig().slack.requests.length;

    const logs = captureLogs();
    // Decided 30 minutes after the request, well before it expires.
    const now = Math.floor(Date.parse('2026-11-20T14:42:00Z') / 1000);
    const response = await createSlackActionsHandler({ nowSeconds: () => now })(
      signedRequest(
        clickPayload({
          value,
          blocks,
          messageTs: requestTs,
          comment: 'Stage looks good',
          responseUrl: `${rig().slack.url}/actions/T0/1/x`,
        }),
        { timestamp: now },
      ),
      lambdaContext(6000),
    );
    logs.restore();

    expect(response.statusCode).toBe(200);
    const after = rig()
      .slack.requests.slice(before)
      .filter((r) => r.accepted);
    const updates = after.filter((r) => r.path === '/api/chat.update');
    const requestUpdate = updates.find((u) => (u.json as { ts?: string }).ts === requestTs);
    expect(requestUpdate?.json).toMatchObject({ channel: CHANNEL });
    const fieldsOf = (request: { json: unknown } | undefined) =>
      (request?.json ?? {}) as { blocks?: never; ts?: string };
    expect(visibleText({ text: '', blocks: fieldsOf(requestUpdate).blocks ?? [] })).toContain(
      ':white_check_mark: Approved: herald-stage-pipeline → prod',
    );
    const card = updates.find((u) => (u.json as { ts?: string }).ts !== requestTs);
    expect(JSON.stringify(fieldsOf(card).blocks ?? [])).toMatch(
      /:white_check_mark: Approval — .*approved by Li Wei at \d\d:\d\d UTC: Stage looks good/,
    );
    expect(after.some((r) => r.path.startsWith('/actions/'))).toBe(false);
  });
});
