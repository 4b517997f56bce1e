import { CodeCommitClient, GetCommitCommand } from '@aws-sdk/client-codecommit';
import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
} from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/approval-request/handler';
import { APPROVE_ACTION, REJECT_ACTION } from '../../../shared/decisions/approvals';
import { decodeApprovalValue } from '../../../shared/decisions/button-value';
import { resetForTests } from '../../../shared/lambda/container';
import { routingFile } from '../../../shared/routing/files';
import type { SlackMessage } from '../../../shared/slack/message';
import { useHandlerRig } from '../../helpers/handler-rig';
import { sampleEvent } from '../../helpers/lambda';
import { recorded } from '../../helpers/recorded';
import { assertSlackLimits, buttonUrls, visibleText } from '../../helpers/slack-limits';

const codePipeline = mockClient(CodePipelineClient);
const codeCommit = mockClient(CodeCommitClient);
const rig = useHandlerRig(handler);
const TOKEN = '0f6ad3e2-7c41-4b9e-9a5d-2c8e1b7f4a60';
const stageRouting = routingFile('stage') as { approvals: { rules: unknown[] } };
const shippedRules = stageRouting.approvals.rules;

function buttons(message: SlackMessage) {
  return message.blocks.flatMap((block) => (block.type === 'actions' ? block.elements : []));
}

beforeEach(() => {
  // The sample request came on 2026-11-20 and expires on 2026-11-27 at 15:48 UTC.
  process.env.HERALD_CLOCK = '2026-11-20T15:00:00Z';
  codePipeline.reset();
  codeCommit.reset();
  const file = 'approval/request.aws.json';
  codePipeline.on(GetPipelineStateCommand).resolves(recorded(file, 'CodePipeline_20150709.GetPipelineState'));
  codePipeline
    .on(GetPipelineExecutionCommand)
    .resolves(recorded(file, 'CodePipeline_20150709.GetPipelineExecution'));
  codeCommit.on(GetCommitCommand).resolves(recorded(file, 'CodeCommit_20150413.GetCommit'));
  stageRouting.approvals.rules = [
    {
      stages: ['Approval*'],
      environment: 'prod',
      noSelfApproval: true,
      approvers: [{ slackUserId: 'U0APPROVER', name: 'Li Wei' }],
    },
  ];
});

afterEach(() => {
  stageRouting.approvals.rules = shippedRules;
  delete process.env.HERALD_CLOCK;
});

describe('approvalRequest handler', () => {
  it('asks for a decision with what is shipped, who changed it, the review link and the expiry', async () => {
    const { messages } = await rig.run(sampleEvent('approval/request.json'));

    expect(messages).toHaveLength(1);
    const [message] = messages;
    assertSlackLimits(message);
    const text = visibleText(message);
    expect(message.blocks[0]).toMatchObject({
      text: { text: ':warning: Approval needed: herald-stage-pipeline → prod' },
    });
    expect(text).toContain('Check checkout with a German address (VAT) before approving prod.');
    expect(text).toContain('a625406 · Add VAT to checkout totals');
    expect(text).toContain('*Change by*\nJane Doe');
    expect(text).toContain('*Expires*\n2026-11-27 15:48 UTC');
    expect(text).toContain('*Approvers*\nLi Wei (not the change author)');
    expect(buttonUrls(message)).toEqual([
      'https://stage.shop.example.com',
      'https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/herald-stage-pipeline/executions/3b1c7d9e-5f2a-4c8b-9d61-0e7a2b4c6d8f/timeline?region=eu-west-1',
    ]);
  });

  it('offers Approve and Reject, each confirmed, carrying the approval in the button value only', async () => {
    const { messages } = await rig.run(sampleEvent('approval/request.json'));

    const [message] = messages;
    assertSlackLimits(message);
    const [approve, reject] = buttons(message);
    expect(approve).toMatchObject({
      action_id: APPROVE_ACTION,
      style: 'primary',
      confirm: { confirm: { text: 'Approve' } },
    });
    expect(reject).toMatchObject({
      action_id: REJECT_ACTION,
      style: 'danger',
      confirm: { confirm: { text: 'Reject' } },
    });
    const value = decodeApprovalValue(approve && 'value' in approve ? String(approve.value) : '');
    expect(value).toEqual({
      v: 2,
      kind: 'approval',
      pipeline: 'herald-stage-pipeline',
      stage: 'Approval',
      action: 'Approve-prod',
      token: TOKEN,
      environment: 'prod',
      authors: ['Jane Doe', 'jane.doe@example.com'],
      expires: '2026-11-27T15:48:00.000Z',
      execution: '3b1c7d9e-5f2a-4c8b-9d61-0e7a2b4c6d8f',
    });
    expect(message.blocks).toContainEqual(
      expect.objectContaining({ type: 'input', block_id: 'herald-comment', optional: true }),
    );
  });

  it('puts the token in no URL and no log line', async () => {
    const { messages, logs } = await rig.run(sampleEvent('approval/request.json'));

    const [message] = messages;
    assertSlackLimits(message);
    const withoutValues = JSON.stringify(message, (key, v) => (key === 'value' ? undefined : v));
    expect(withoutValues).not.toContain(TOKEN);
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
  });

  it('still asks, from the notification alone, when the pipeline cannot be read', async () => {
    codePipeline
      .onAnyCommand()
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const { messages } = await rig.run(sampleEvent('approval/request.json'));

    const [message] = messages;
    assertSlackLimits(message);
    expect(buttons(message)).toHaveLength(4);
    expect(visibleText(message)).toContain('Not available: pipeline execution (AccessDeniedException)');
  });

  it('shows a request read after its expiry without buttons, saying it expired', async () => {
    process.env.HERALD_CLOCK = '2026-11-27T15:48:00Z';
    const { messages, logs } = await rig.run(sampleEvent('approval/request.json'));

    expect(messages).toHaveLength(1);
    const [message] = messages;
    assertSlackLimits(message);
    // Links stay; nothing carries a decision.
    expect(buttons(message).map((b) => ('url' in b ? 'link' : b.action_id))).toEqual(['link', 'link']);
    expect(message.blocks.some((block) => block.type === 'input')).toBe(false);
    const text = visibleText(message);
    expect(text).toContain('Approval expired: herald-stage-pipeline → prod');
    expect(text).toContain('Expired');
    expect(text).toContain('Re-run the Approval stage');
    expect(text).not.toContain('Approval needed');
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
  });

  it('says when no rule lets anyone approve from Slack', async () => {
    stageRouting.approvals.rules = [];
    resetForTests();

    const { messages } = await rig.run(sampleEvent('approval/request.json'));

    expect(visibleText(messages[0] ?? { text: '', blocks: [] })).toContain(
      'No approval rule matches this action',
    );
  });
});
