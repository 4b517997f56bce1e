/**
 * What ships, on the approval request: every commit between the revision prod runs and the
 * candidate, walked through CodeCommit (merges followed, bounded), who wrote them, the files they
 * change and whether the delivery itself changes; and the risk signals Herald has data for.
 */
import {
  BatchGetCommitsCommand,
  CodeCommitClient,
  type Commit,
  GetCommitCommand,
  GetDifferencesCommand,
} from '@aws-sdk/client-codecommit';
import {
  CodePipelineClient,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
} from '@aws-sdk/client-codepipeline';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/approval-request/handler';
import { resetForTests } from '../../../shared/lambda/container';
import { routingFile } from '../../../shared/routing/files';
import type { SlackMessage } from '../../../shared/slack/message';
import { useHandlerRig } from '../../helpers/handler-rig';
import { sampleEvent } from '../../helpers/lambda';
import { recorded } from '../../helpers/recorded';
import { assertSlackLimits, buttonUrls, visibleText } from '../../helpers/slack-limits';

const codePipeline = mockClient(CodePipelineClient);
const codeCommit = mockClient(CodeCommitClient);
const rig = useHandlerRig(handler, { stateTable: true });
const stageRouting = routingFile('stage') as {
  approvals: { rules: unknown[] };
  people?: unknown;
  workingHours?: unknown;
};
const shippedRules = stageRouting.approvals.rules;
const FILE = 'approval/request.aws.json';
const HEAD = 'a625406f6977d45c1391b078f4d3656e0b75bfcb';
const EXECUTION = '3b1c7d9e-5f2a-4c8b-9d61-0e7a2b4c6d8f';

/** A commit id of 40 hex characters from a short name. */
const id = (name: string) => Buffer.from(name).toString('hex').padEnd(40, '0').slice(0, 40);

function commit(
  commitId: string,
  title: string,
  author: string,
  minutesAgo: number,
  parents: string[],
): Commit {
  const date = `${Math.floor(Date.parse('2026-11-20T14:00:00Z') / 1000) - minutesAgo * 60} +0000`;
  const email = `${author.toLowerCase().replace(' ', '.')}@example.com`;
  return { commitId, message: `${title}\n\nbody`, parents, author: { name: author, email, date } };
}

/** CodeCommit answering BatchGetCommits from these commits (as CodeCommit does: ids asked, found ones). */
function repository(commits: Commit[]) {
  const byId = new Map(commits.map((c) => [c.commitId, c]));
  codeCommit.on(BatchGetCommitsCommand).callsFake(async (input: { commitIds: string[] }) => ({
    commits: input.commitIds.flatMap((c) => (byId.has(c) ? [byId.get(c) as Commit] : [])),
  }));
}

/** The pipeline's history: `prod` is the revision of its last run that succeeded, none without one. */
function history(prod: string | undefined, more = false) {
  codePipeline.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: [] });
  codePipeline.on(ListPipelineExecutionsCommand).resolves({
    pipelineExecutionSummaries: [
      {
        pipelineExecutionId: EXECUTION,
        status: 'InProgress',
        sourceRevisions: [{ actionName: 'Source', revisionId: HEAD }],
      },
      ...(prod
        ? [
            {
              pipelineExecutionId: 'previous-run',
              status: 'Succeeded' as const,
              lastUpdateTime: new Date('2026-11-19T16:20:00Z'),
              sourceRevisions: [{ actionName: 'Source', revisionId: prod, revisionSummary: 'Release 1.41' }],
            },
          ]
        : []),
    ],
    ...(more ? { nextToken: 'more' } : {}),
  });
}

function files(paths: string[]) {
  codeCommit.on(GetDifferencesCommand).resolves({
    differences: paths.map((path) => ({
      afterBlob: { path, blobId: 'b', mode: '100644' },
      changeType: 'M' as const,
    })),
  });
}

beforeEach(() => {
  process.env.HERALD_CLOCK = '2026-11-20T15:00:00Z';
  codePipeline.reset();
  codeCommit.reset();
  codePipeline.on(GetPipelineStateCommand).resolves(recorded(FILE, 'CodePipeline_20150709.GetPipelineState'));
  codePipeline
    .on(GetPipelineExecutionCommand)
    .resolves(recorded(FILE, 'CodePipeline_20150709.GetPipelineExecution'));
  codePipeline
    .on(GetPipelineCommand)
    .resolves(recorded('common/answers.aws.json', 'CodePipeline_20150709.GetPipeline'));
  codeCommit.on(GetCommitCommand).resolves(recorded(FILE, 'CodeCommit_20150413.GetCommit'));
  files(['src/vat.ts']);
  stageRouting.approvals.rules = [
    {
      stages: ['Approval*'],
      environment: 'prod',
      approvers: [{ slackUserId: 'U0APPROVER', name: 'Li Wei', identities: ['li.wei@example.com'] }],
    },
  ];
  resetForTests();
});

afterEach(() => {
  stageRouting.approvals.rules = shippedRules;
  delete stageRouting.people;
  delete stageRouting.workingHours;
  delete process.env.HERALD_CLOCK;
});

async function request(): Promise<{ message: SlackMessage; text: string }> {
  const { messages } = await rig.run(sampleEvent('approval/request.json'));
  const message = messages[0] as SlackMessage;
  assertSlackLimits(message);
  return { message, text: visibleText(message) };
}

describe('approvalRequest: what ships since prod', () => {
  const PROD = id('prod');
  /** head ← merge ← (round, postcodes) ← node22 ← prod: 5 commits by 3 authors, one a merge. */
  const CHAIN = [
    commit(HEAD, 'Add VAT to checkout totals', 'Jane Doe', 60, [id('merge')]),
    commit(id('merge'), "Merge branch 'feature/eu-postcodes'", 'Li Wei', 80, [id('round'), id('postcodes')]),
    commit(id('round'), 'Round VAT per line item', 'Jane Doe', 120, [id('node22')]),
    commit(id('postcodes'), 'Validate EU postcodes', 'Amir Haddad', 150, [id('node22')]),
    commit(id('node22'), 'Build on Node 22', 'Amir Haddad', 240, [PROD]),
    commit(PROD, 'Release 1.41', 'Li Wei', 1500, [id('older')]),
  ];

  it('lists every commit since prod and its author, newest first, following the merge and marking it', async () => {
    repository(CHAIN);
    history(PROD);

    const { message, text } = await request();

    expect(text).toContain(
      'Ships 5 commits by 3 authors since prod (70726f6 · Release 1.41, deployed 2026-11-19 16:20 UTC)',
    );
    const order = [
      'Add VAT to checkout totals',
      "[merge] Merge branch 'feature/eu-postcodes'",
      'Round VAT per line item',
      'Validate EU postcodes',
      'Build on Node 22',
    ];
    const at = order.map((title) => text.indexOf(title));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(text).not.toContain('Release 1.41 ·');
    // Authors: a person of the routing file by Slack id, the others by name.
    expect(text).toMatch(/Merge branch 'feature\/eu-postcodes'.* — <@U0APPROVER>/);
    expect(text).toMatch(/Validate EU postcodes.* — Amir Haddad/);
    // The compare view between the two revisions, and the commits linked to the console.
    expect(buttonUrls(message)).toContainEqual(
      `https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop-api/compare/${PROD}/.../${HEAD}?region=eu-west-1`,
    );
    expect(JSON.stringify(message)).toContain(
      `/repositories/shop-api/commit/${id('postcodes')}?region=eu-west-1|`,
    );
  });

  it('says "first release to prod" when no run of the pipeline ever reached it', async () => {
    repository(CHAIN);
    history(undefined);

    const { text } = await request();

    expect(text).toContain('the first release to prod');
    expect(text).toContain('Release 1.41');
  });

  it('says prod could not be found, and guesses nothing, when the history it read does not reach it', async () => {
    repository(CHAIN);
    history(undefined, true);

    const { text } = await request();

    expect(text).toContain('what runs in prod could not be found');
    expect(text).not.toContain('Commits, newest first');
    expect(codeCommit).not.toHaveReceivedCommand(BatchGetCommitsCommand);
  });

  it('stops the walk at 200 commits and says so, when prod is further back', async () => {
    const linear = Array.from({ length: 260 }, (_, i) =>
      commit(i === 0 ? HEAD : id(`c${i}`), `Change ${i}`, i % 2 ? 'Jane Doe' : 'Amir Haddad', i, [
        id(`c${i + 1}`),
      ]),
    );
    repository(linear);
    history(id('c259'));

    const { text } = await request();

    expect(text).toContain('Ships more than 200 commits by 2 authors since prod');
    expect(text).toContain('The walk stopped at 200 commits: older changes are not listed.');
    expect(codeCommit.commandCalls(BatchGetCommitsCommand).length).toBeLessThanOrEqual(200);
  });

  it('shows 150 commits within Slack limits: the newest (20 at most), then how many more', async () => {
    const linear = Array.from({ length: 151 }, (_, i) =>
      commit(i === 0 ? HEAD : id(`c${i}`), `Change number ${i} of the checkout rework`, 'Jane Doe', i, [
        id(`c${i + 1}`),
      ]),
    );
    repository(linear);
    history(id('c150'));

    const { text } = await request();

    expect(text).toContain('Ships 150 commits by 1 author since prod');
    const shown = (text.match(/Change number \d+ of the checkout rework/g) ?? []).length;
    const more = Number(/… and (\d+) more commits/.exec(text)?.[1]);
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThanOrEqual(20);
    expect(shown + more).toBe(150);
  });

  it('flags a release that changes how it is built or deployed', async () => {
    repository(CHAIN);
    history(PROD);
    files(['src/vat.ts', 'buildspec.yml', 'taskdef-prod.json', 'README.md']);

    const { text } = await request();

    expect(text).toContain(
      '4 files changed; changes how it is built or deployed: buildspec.yml, taskdef-prod.json',
    );
  });

  it('works it out once per release: a redelivered request reads no commit again', async () => {
    repository(CHAIN);
    history(PROD);
    await request();
    const walked = codeCommit.commandCalls(BatchGetCommitsCommand).length;

    const again = await request();

    expect(again.text).toContain('Ships 5 commits by 3 authors since prod');
    expect(codeCommit.commandCalls(BatchGetCommitsCommand)).toHaveLength(walked);
    expect(codePipeline.commandCalls(ListPipelineExecutionsCommand)).toHaveLength(1);
  });

  it('counts its AWS reads: a bounded number per request', async () => {
    repository(CHAIN);
    history(PROD);

    await request();

    const calls = [...codePipeline.calls(), ...codeCommit.calls()].map((c) => c.args[0].constructor.name);
    // GetPipelineState, GetPipelineExecution, GetPipeline, ListActionExecutions, ListPipelineExecutions,
    // GetCommit, GetDifferences, and one BatchGetCommits per level of the history (here 4).
    expect(calls.filter((c) => c === 'BatchGetCommitsCommand')).toHaveLength(4);
    expect(calls.length).toBe(11);
  });
});

describe('approvalRequest: risk signals beside what ships', () => {
  it('says the last prod release was rolled back, by whom, when it was within a day', async () => {
    repository([commit(HEAD, 'Add VAT', 'Jane Doe', 1, [id('prod')])]);
    history(id('prod'));
    await rig.state().client.send(
      new PutItemCommand({
        TableName: process.env.HERALD_STATE_TABLE,
        Item: {
          key: { S: 'prod#herald-stage-pipeline' },
          lastFailure: {
            S: JSON.stringify({ at: '2026-11-20T13:00:00.000Z', how: 'rolled back', by: 'Li Wei' }),
          },
          lastFailureAt: { N: String(Date.parse('2026-11-20T13:00:00Z')) },
        },
      }),
    );

    const { text } = await request();

    expect(text).toContain('Last prod release rolled back 2 h ago by Li Wei');
  });

  it('says nothing of a failure older than a day', async () => {
    repository([commit(HEAD, 'Add VAT', 'Jane Doe', 1, [id('prod')])]);
    history(id('prod'));
    await rig.state().client.send(
      new PutItemCommand({
        TableName: process.env.HERALD_STATE_TABLE,
        Item: {
          key: { S: 'prod#herald-stage-pipeline' },
          lastFailure: { S: JSON.stringify({ at: '2026-11-18T13:00:00.000Z', how: 'failed' }) },
        },
      }),
    );

    const { text } = await request();

    expect(text).not.toContain('Last prod release');
  });

  it('says when a request comes outside the working hours the routing file sets', async () => {
    repository([commit(HEAD, 'Add VAT', 'Jane Doe', 1, [id('prod')])]);
    history(id('prod'));
    // 15:00 UTC on Friday 20 November is 10:00 in New York: inside; in Tokyo it is midnight.
    stageRouting.workingHours = {
      timeZone: 'Asia/Tokyo',
      days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
      hours: '09:00-18:00',
    };
    resetForTests();

    const { text } = await request();

    expect(text).toContain(
      'Requested Sat 00:00 Asia/Tokyo, outside working hours (Mon, Tue, Wed, Thu, Fri 09:00-18:00)',
    );
  });

  it('says nothing of working hours inside them', async () => {
    repository([commit(HEAD, 'Add VAT', 'Jane Doe', 1, [id('prod')])]);
    history(id('prod'));
    stageRouting.workingHours = { timeZone: 'America/New_York', days: ['Fri'], hours: '09:00-18:00' };
    resetForTests();

    const { text } = await request();

    expect(text).not.toContain('outside working hours');
  });
});
