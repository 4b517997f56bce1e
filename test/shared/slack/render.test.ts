import type { Notice } from '../../../shared/notice/notice';
import { checkSlackLimits, LIMITS } from '../../../shared/slack/limits';
import type { SlackMessage } from '../../../shared/slack/message';
import { renderNotice } from '../../../shared/slack/render';
import { assertSlackLimits, visibleText } from '../../helpers/slack-limits';

function notice(overrides: Partial<Notice> = {}): Notice {
  return {
    source: 'codebuild',
    kind: 'build.failed',
    severity: 'failure',
    title: 'Build failed: shop-api #7',
    facts: [],
    details: [],
    links: [],
    context: ['CodeBuild', 'eu-west-1'],
    correlation: {},
    ...overrides,
  };
}

const LONG = 'x'.repeat(10000);

describe('renderNotice', () => {
  it('escapes & < > from user text so it cannot mention or link (headers are plain text, never parsed)', () => {
    const message = renderNotice(
      notice({
        title: 'Deploy <!channel> & co',
        summary: 'Merge <https://evil.example|click> & <!here> into main',
        facts: [{ label: 'Branch', value: 'feature/<@U123>' }],
        details: [{ type: 'code', label: 'Log', lines: ['<!everyone>'], keep: 'tail' }],
      }),
    );

    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':x: Deploy <!channel> & co', emoji: true },
    });
    const text = visibleText({ ...message, blocks: message.blocks.slice(1) });
    expect(text).toContain('Merge &lt;https://evil.example|click&gt; &amp; &lt;!here&gt; into main');
    expect(text).toContain('feature/&lt;@U123&gt;');
    expect(text).toContain('&lt;!everyone&gt;');
    expect(text).not.toMatch(/<!(here|channel|everyone)>/);
    expect(text).not.toContain('<@U123>');
    expect(message.text).toBe(
      'Deploy &lt;!channel&gt; &amp; co — Merge &lt;https://evil.example|click&gt; &amp; &lt;!here&gt; into main',
    );
  });

  it('puts routing mentions, and only those, in the text and the first section', () => {
    const message = renderNotice(notice({ summary: 'BUILD failed' }), {
      mentions: ['<!here>', '<!subteam^S0123ABC>'],
    });

    expect(message.text.startsWith('<!here> <!subteam^S0123ABC> ')).toBe(true);
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '<!here> <!subteam^S0123ABC> BUILD failed' },
    });
  });

  it('keeps every payload within Slack limits however large the notice', () => {
    const message = renderNotice(
      notice({
        title: LONG,
        summary: LONG,
        facts: Array.from({ length: 25 }, (_, i) => ({
          label: `Fact ${i} ${LONG}`,
          value: LONG,
          url: `https://example.com/${LONG}`,
        })),
        details: [
          ...Array.from({ length: 60 }, (_, i) => ({
            type: 'text' as const,
            label: `Detail ${i}`,
            text: LONG,
          })),
          { type: 'code', label: 'Log', lines: Array.from({ length: 500 }, () => LONG), keep: 'tail' },
          {
            type: 'list',
            label: 'Files',
            items: Array.from({ length: 500 }, (_, i) => ({ text: `src/file-${i}.ts` })),
            noun: 'file',
          },
        ],
        links: Array.from({ length: 30 }, (_, i) => ({ text: LONG, url: `https://example.com/${i}` })),
        context: Array.from({ length: 20 }, () => LONG),
        occurredAt: '2026-11-20T14:07:41Z',
      }),
    );

    assertSlackLimits(message);
  });

  it('cuts a long log at whole lines, keeps the fence closed and says how many lines were left out', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} ${'y'.repeat(40)}`);

    const message = renderNotice(
      notice({ details: [{ type: 'code', label: 'Last log lines', lines, keep: 'tail' }] }),
    );

    assertSlackLimits(message);
    const text = visibleText(message);
    const shown = text.match(/line \d+ /g) ?? [];
    expect(text).toContain(`line 399 ${'y'.repeat(40)}`);
    expect(text).not.toContain('line 0 ');
    expect(text).toContain(`_… ${400 - shown.length} earlier lines not shown_`);
    expect((text.match(/```/g) ?? []).length).toBe(2);
  });

  it('cuts a long list visibly, never through a link', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({
      code: `abc${String(i).padStart(4, '0')}`,
      text: `Commit number ${i} with a fairly long message to fill the section`,
      url: `https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop/commit/${i}`,
    }));

    const message = renderNotice(
      notice({ details: [{ type: 'list', label: 'Commits', items, total: 1200, noun: 'commit' }] }),
    );

    assertSlackLimits(message);
    const text = visibleText(message);
    const links = text.match(/<https:[^>]*>/g) ?? [];
    expect(links.length).toBeGreaterThan(5);
    for (const l of links)
      expect(l).toMatch(/^<https:\/\/eu-west-1\.console\.aws\.amazon\.com\/[^|]+\/\d+\|`abc\d{4}`>$/);
    expect(text).toContain(`… and ${1200 - links.length} more commits`);
  });

  it('makes a header of at most 150 characters ending in an ellipsis', () => {
    const message = renderNotice(notice({ title: LONG }));

    const header = message.blocks[0];
    expect(header?.type).toBe('header');
    const text = header?.type === 'header' ? header.text.text : '';
    expect(text).toHaveLength(LIMITS.headerText);
    expect(text.endsWith('…')).toBe(true);
  });

  it('dates the footer with Slack date formatting and an ISO fallback', () => {
    const message = renderNotice(notice({ occurredAt: '2026-11-20T14:07:41.000Z' }));

    expect(visibleText(message)).toContain(
      'CodeBuild · eu-west-1 · <!date^1795183661^{date_short_pretty} at {time}|2026-11-20T14:07:41.000Z>',
    );
  });
});

describe('checkSlackLimits', () => {
  const valid: SlackMessage = {
    text: 'ok',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }],
  };

  it('accepts a small valid payload', () => {
    expect(checkSlackLimits(valid)).toEqual([]);
  });

  it.each([
    ['an empty fallback text', { ...valid, text: ' ' }, 'text: the plain-text fallback is empty'],
    [
      '51 blocks',
      { ...valid, blocks: Array.from({ length: 51 }, () => ({ type: 'divider' as const })) },
      'blocks: 51, limit 50',
    ],
    [
      'a 151-character header',
      {
        ...valid,
        blocks: [{ type: 'header' as const, text: { type: 'plain_text' as const, text: 'h'.repeat(151) } }],
      },
      'blocks[0] (header).text: 151 characters, limit 150',
    ],
    [
      'a 3001-character section',
      {
        ...valid,
        blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 's'.repeat(3001) } }],
      },
      'blocks[0] (section).text: 3001 characters, limit 3000',
    ],
    [
      '11 fields',
      {
        ...valid,
        blocks: [
          {
            type: 'section' as const,
            fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f' })),
          },
        ],
      },
      'blocks[0] (section).fields: 11 items, limit 10',
    ],
    [
      'a 2001-character field',
      {
        ...valid,
        blocks: [{ type: 'section' as const, fields: [{ type: 'mrkdwn' as const, text: 'f'.repeat(2001) }] }],
      },
      'blocks[0] (section).fields[0]: 2001 characters, limit 2000',
    ],
    [
      '11 context elements',
      {
        ...valid,
        blocks: [
          {
            type: 'context' as const,
            elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'c' })),
          },
        ],
      },
      'blocks[0] (context).elements: 11, limit 10',
    ],
    [
      'a 76-character button text',
      {
        ...valid,
        blocks: [
          {
            type: 'actions' as const,
            elements: [
              { type: 'button' as const, text: { type: 'plain_text' as const, text: 'b'.repeat(76) } },
            ],
          },
        ],
      },
      'blocks[0] (actions).elements[0].text: 76 characters, limit 75',
    ],
    [
      'a 3001-character button url',
      {
        ...valid,
        blocks: [
          {
            type: 'actions' as const,
            elements: [
              {
                type: 'button' as const,
                text: { type: 'plain_text' as const, text: 'b' },
                url: `https://e.com/${'u'.repeat(2987)}`,
              },
            ],
          },
        ],
      },
      'blocks[0] (actions).elements[0].url: 3001 characters, limit 3000',
    ],
    [
      'a 2001-character button value',
      {
        ...valid,
        blocks: [
          {
            type: 'actions' as const,
            elements: [
              {
                type: 'button' as const,
                text: { type: 'plain_text' as const, text: 'b' },
                value: 'v'.repeat(2001),
              },
            ],
          },
        ],
      },
      'blocks[0] (actions).elements[0].value: 2001 characters, limit 2000',
    ],
    [
      'a 256-character action_id',
      {
        ...valid,
        blocks: [
          {
            type: 'actions' as const,
            elements: [
              {
                type: 'button' as const,
                text: { type: 'plain_text' as const, text: 'b' },
                action_id: 'a'.repeat(256),
              },
            ],
          },
        ],
      },
      'blocks[0] (actions).elements[0].action_id: 256 characters, limit 255',
    ],
    [
      'more than 12 000 characters of text in all',
      {
        ...valid,
        blocks: Array.from({ length: 5 }, () => ({
          type: 'section' as const,
          text: { type: 'mrkdwn' as const, text: 't'.repeat(2500) },
        })),
      },
      'blocks: 12500 characters of text in all, limit 12000',
    ],
  ])('reports %s', (_name, message, problem) => {
    expect(checkSlackLimits(message as SlackMessage)).toContain(problem);
  });
});
