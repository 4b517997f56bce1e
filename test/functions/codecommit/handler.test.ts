import {
  CodeCommitClient,
  GetCommitCommand,
  type GetCommitCommandOutput,
  GetDifferencesCommand,
} from '@aws-sdk/client-codecommit';
import { mockClient } from 'aws-sdk-client-mock';
import * as v from 'valibot';
import { handler } from '../../../functions/codecommit/handler';
import { changesOf, isWatched, MAX_COMMITS, TRIGGER_COMMITS } from '../../../functions/codecommit/model';
import { codeCommitInputSchema } from '../../../functions/codecommit/schema';
import { resetForTests } from '../../../shared/lambda/container';
import { routingFile } from '../../../shared/routing/files';
import { useHandlerRig } from '../../helpers/handler-rig';
import { sampleEvent } from '../../helpers/lambda';
import { assertSlackLimits, buttonUrls, visibleText } from '../../helpers/slack-limits';

const codeCommit = mockClient(CodeCommitClient);
const rig = useHandlerRig(handler);

const HEAD = 'a625406f6977d45c1391b078f4d3656e0b75bfcb';
const OLD = '1405df66cbe219b0bf6355bc3d60361a8376b6b4';

/** A linear history: commit i has parent i+1; `id(n)` is the old head when n is the range size. */
const id = (i: number) => (i === 0 ? HEAD : `${String(i).padStart(4, '0')}${'c'.repeat(36)}`);

function history(length: number, message: (i: number) => string = (i) => `Change number ${i}`) {
  codeCommit.on(GetCommitCommand).callsFake((input: { commitId: string }): GetCommitCommandOutput => {
    const i = input.commitId === HEAD ? 0 : Number.parseInt(input.commitId.slice(0, 4), 10);
    return {
      $metadata: {},
      commit: {
        commitId: input.commitId,
        message: message(i),
        author: { name: i % 2 ? 'Li Wei' : 'Jane Doe' },
        parents: i + 1 < length ? [id(i + 1)] : [],
      },
    };
  });
}

function updatedEvent(oldCommitId: string) {
  const event = sampleEvent('codecommit/reference-updated.json') as { detail: Record<string, unknown> };
  event.detail.oldCommitId = oldCommitId;
  return event;
}

beforeEach(() => {
  codeCommit.reset();
  codeCommit.on(GetDifferencesCommand).resolves({ differences: [] });
});

describe('codecommit handler: pushes', () => {
  it('lists every commit of the pushed range, newest first, and stops at the previous head', async () => {
    history(10);

    const { messages } = await rig.run(updatedEvent(id(3)));

    expect(messages).toHaveLength(1);
    const [message] = messages;
    assertSlackLimits(message);
    const text = visibleText(message);
    expect(message.blocks[0]).toMatchObject({
      text: { text: ':large_blue_circle: shop-api: 3 commits pushed to main' },
    });
    expect(text).toContain('Change number 0 — Jane Doe');
    expect(text).toContain('Change number 2 — Jane Doe');
    expect(text).not.toContain('Change number 3');
    expect(codeCommit).toHaveReceivedCommandTimes(GetCommitCommand, 3);
    expect(codeCommit).toHaveReceivedCommandWith(GetDifferencesCommand, {
      repositoryName: 'shop-api',
      beforeCommitSpecifier: id(3),
      afterCommitSpecifier: HEAD,
    });
  });

  it(`reads at most ${MAX_COMMITS} commits of a long push and says the list is cut`, async () => {
    history(200);

    const { messages } = await rig.run(updatedEvent(id(150)));

    const [message] = messages;
    assertSlackLimits(message);
    expect(codeCommit).toHaveReceivedCommandTimes(GetCommitCommand, MAX_COMMITS);
    expect(message.blocks[0]).toMatchObject({
      text: { text: `:large_blue_circle: shop-api: at least ${MAX_COMMITS} commits pushed to main` },
    });
    expect(visibleText(message)).toContain('_Earlier commits of this push were not read._');
  });

  it('calls a push whose previous head is not an ancestor a force push', async () => {
    history(4);

    const { messages } = await rig.run(updatedEvent(OLD));

    expect(messages[0]?.blocks[0]).toMatchObject({ text: { text: ':warning: shop-api: main force-pushed' } });
    expect(visibleText(messages[0] ?? { text: '', blocks: [] })).toContain('history was rewritten');
  });

  it('keeps a push of 500 files and a 10 000-character commit message within Slack limits, visibly cut', async () => {
    history(3, (i) => (i === 0 ? `Huge change ${'x'.repeat(10000)}` : `Change number ${i}`));
    codeCommit.on(GetDifferencesCommand).resolves({
      differences: Array.from({ length: 500 }, (_, i) => ({
        afterBlob: { path: `src/generated/module-${i}/index.ts` },
        changeType: 'A' as const,
      })),
    });

    const { messages } = await rig.run(updatedEvent(id(2)));

    const [message] = messages;
    assertSlackLimits(message);
    const text = visibleText(message);
    expect(text).toContain('500 added, 0 modified, 0 deleted');
    expect(text).toMatch(/… and \d+ more files/);
    expect(text).toContain('Change number 1');
  });

  it('escapes < > & in commit messages and author names', async () => {
    history(2, () => 'Fix <!channel> & <https://evil.example|this>');

    const { messages } = await rig.run(updatedEvent(id(1)));

    const text = visibleText(messages[0] ?? { text: '', blocks: [] });
    expect(text).toContain('Fix &lt;!channel&gt; &amp; &lt;https://evil.example|this&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('links repository, branch and commits in the region of the event', async () => {
    history(2);

    const { messages } = await rig.run(updatedEvent(id(1)));

    const [message] = messages;
    assertSlackLimits(message);
    expect(buttonUrls(message)).toEqual([
      `https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop-api/commit/${HEAD}?region=eu-west-1`,
      'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop-api/browse/refs/heads/main?region=eu-west-1',
    ]);
    expect(visibleText(message)).toContain(
      '<https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop-api/browse?region=eu-west-1|shop-api>',
    );
  });

  it('announces a deleted branch without reading any commit', async () => {
    const { messages } = await rig.run(sampleEvent('codecommit/reference-deleted.json'));

    expect(messages[0]?.blocks[0]).toMatchObject({
      text: { text: ':large_blue_circle: shop-api: branch feature/old-search deleted' },
    });
    expect(codeCommit).not.toHaveReceivedCommand(GetCommitCommand);
    expect(codeCommit).not.toHaveReceivedCommand(GetDifferencesCommand);
  });

  it('announces a created branch with its head commit only', async () => {
    history(50);

    const { messages } = await rig.run(sampleEvent('codecommit/reference-created.json'));

    expect(messages[0]?.blocks[0]).toMatchObject({
      text: { text: ':large_blue_circle: shop-api: branch feature/checkout-vat created' },
    });
    expect(codeCommit).toHaveReceivedCommandTimes(GetCommitCommand, 1);
    expect(codeCommit).not.toHaveReceivedCommand(GetDifferencesCommand);
  });

  it(`shows the trigger's pushes as the branch's latest ${TRIGGER_COMMITS} commits, with the head commit's files`, async () => {
    history(40);

    const { messages } = await rig.run(sampleEvent('codecommit/trigger-one-reference.json'));

    const [message] = messages;
    assertSlackLimits(message);
    expect(codeCommit).toHaveReceivedCommandTimes(GetCommitCommand, TRIGGER_COMMITS);
    expect(codeCommit).toHaveReceivedCommandWith(GetDifferencesCommand, {
      beforeCommitSpecifier: id(1),
      afterCommitSpecifier: HEAD,
    });
    expect(visibleText(message)).toContain('*Latest commits on main*');
  });

  it('posts one message per reference of a trigger event', async () => {
    history(3);

    const { messages } = await rig.run(sampleEvent('codecommit/trigger-two-references.json'));

    expect(messages.map((m) => (m.blocks[0]?.type === 'header' ? m.blocks[0].text.text : ''))).toEqual([
      ':large_blue_circle: shop-api: push to main',
      ':large_blue_circle: shop-api: branch feature/checkout-vat created',
    ]);
  });

  it('answers the trigger test event', async () => {
    const { messages } = await rig.run(sampleEvent('codecommit/trigger-test.json'));

    expect(messages[0]?.blocks[0]).toMatchObject({
      text: { text: ':large_blue_circle: shop-api: trigger test received' },
    });
    expect(codeCommit).not.toHaveReceivedCommand(GetCommitCommand);
  });

  it.each([
    ['AccessDeniedException', 'not authorized'],
    ['ThrottlingException', 'Rate exceeded'],
  ])('still posts the push from the event alone when CodeCommit answers %s', async (name, text) => {
    codeCommit.on(GetCommitCommand).rejects(Object.assign(new Error(text), { name }));
    codeCommit.on(GetDifferencesCommand).rejects(Object.assign(new Error(text), { name }));

    const { messages } = await rig.run(updatedEvent(OLD));

    const [message] = messages;
    assertSlackLimits(message);
    expect(message.blocks[0]).toMatchObject({ text: { text: ':large_blue_circle: shop-api: push to main' } });
    expect(visibleText(message)).toContain(`Not available: changed files (${name}), commits (${name})`);
  });
});

describe('codecommit handler: pull requests', () => {
  it('announces a new pull request with its branches and a link to it', async () => {
    const { messages } = await rig.run(sampleEvent('codecommit/pull-request-created.json'));

    const [message] = messages;
    assertSlackLimits(message);
    expect(message.blocks[0]).toMatchObject({
      text: { text: ':large_blue_circle: shop-api: pull request #27 opened: Add VAT to checkout totals' },
    });
    expect(visibleText(message)).toContain('feature/checkout-vat → main');
    expect(buttonUrls(message)).toEqual([
      'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop-api/pull-requests/27/details?region=eu-west-1',
    ]);
    expect(codeCommit).not.toHaveReceivedCommand(GetCommitCommand);
  });

  it('announces a merge as a success, naming who merged', async () => {
    const { messages } = await rig.run(sampleEvent('codecommit/pull-request-merged.json'));

    expect(messages[0]?.blocks[0]).toMatchObject({
      text: { text: ':white_check_mark: shop-api: pull request #27 merged: Add VAT to checkout totals' },
    });
    expect(visibleText(messages[0] ?? { text: '', blocks: [] })).toContain('*By*\nli.wei');
  });
});

describe('the branch filter', () => {
  const changes = (file: string) => {
    const parsed = v.safeParse(codeCommitInputSchema, sampleEvent(file));
    if (!parsed.success) throw new Error(`${file} does not parse`);
    return changesOf(parsed.output);
  };

  it('watches only the configured repositories and branches (globs), tags always', () => {
    const filter = { repositories: ['shop-*'], branches: ['main', 'release/*'] };
    const [main, feature] = changes('codecommit/trigger-two-references.json');
    const [pr] = changes('codecommit/pull-request-created.json');

    expect(main && isWatched(main, filter)).toBe(true);
    expect(feature && isWatched(feature, filter)).toBe(false);
    expect(pr && isWatched(pr, filter)).toBe(true);
    expect(main && isWatched(main, { repositories: ['billing'] })).toBe(false);
  });

  it('makes no AWS read for a branch it does not watch', async () => {
    const stage = routingFile('stage') as Record<string, unknown>;
    stage.filters = { codecommit: { branches: ['release/*'] } };
    resetForTests();
    try {
      const { messages, logs } = await rig.run(sampleEvent('codecommit/reference-updated.json'));

      expect(messages).toEqual([]);
      expect(codeCommit).not.toHaveReceivedCommand(GetCommitCommand);
      expect(logs).toContainEqual(
        expect.objectContaining({ message: 'Notice not sent', reason: 'repository or branch not watched' }),
      );
    } finally {
      delete stage.filters;
    }
  });
});

describe('codecommit handler: known events it does not announce by default', () => {
  it.each([
    ['comment-on-pull-request', 'comment.pull-request', 'muted by "codecommit:comment.*"'],
    ['unreferenced-merge-commit', 'merge-commit.created', 'muted by "codecommit:merge-commit.*"'],
  ])(
    'gives %s a kind of its own (%s), muted by default, with no AWS read and no fallback',
    async (sample, kind, reason) => {
      const { messages, logs } = await rig.run(sampleEvent(`codecommit/${sample}.json`));

      expect(messages).toEqual([]);
      expect(logs).toContainEqual(expect.objectContaining({ message: 'Notice not sent', kind, reason }));
      expect(logs.some((line) => line.message === 'Event could not be read')).toBe(false);
      expect(codeCommit).not.toHaveReceivedCommand(GetCommitCommand);
    },
  );
});
