/**
 * Notice → Slack Block Kit. Pure and shared by every source: one look, one place to change it.
 * Every payload fits Slack's limits (see limits.ts): long parts are cut visibly, never through a
 * link or a code fence.
 */
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  HeaderBlock,
  InputBlock,
  KnownBlock,
  SectionBlock,
} from '@slack/types';
import type { Choice, Detail, Fact, Notice, Severity } from '../notice/notice';
import { ELLIPSIS, plural, truncate } from '../notice/text';
import { LIMITS } from './limits';
import type { SlackMessage } from './message';
import { OFFER_LEAD_BLOCK } from './settle';
import { escapeText, link, safeUrl, truncateEscaped } from './text';

const SEVERITY_EMOJI: Record<Severity, string> = {
  info: ':large_blue_circle:',
  success: ':white_check_mark:',
  warning: ':warning:',
  failure: ':x:',
};

interface RenderOptions {
  /** Mentions chosen by routing (`<!here>`, `<@U123>`, `<!subteam^S123>`): trusted, not escaped. */
  mentions?: string[];
}

/** Text budget for all blocks together, under Slack's effective limit with room for the fixed parts. */
const TEXT_BUDGET = LIMITS.totalBlockText - 1000;
const MAX_BUTTONS = 5;
const MIN_DETAIL_BUDGET = 200;
/** Facts are short by nature; these bounds keep their share of the budget small. */
const MAX_FACTS = 16;
const FACT_MAX = 450;
const CONTEXT_MAX = 1000;

export function renderNotice(notice: Notice, options: RenderOptions = {}): SlackMessage {
  const mentions = options.mentions ?? [];
  const blocks: KnownBlock[] = [];
  let used = 0;
  const add = (block: KnownBlock, textLength: number) => {
    blocks.push(block);
    used += textLength;
  };

  const headerText = truncate(`${SEVERITY_EMOJI[notice.severity]} ${notice.title}`, LIMITS.headerText);
  add(
    { type: 'header', text: { type: 'plain_text', text: headerText, emoji: true } } satisfies HeaderBlock,
    headerText.length,
  );

  const lead = [mentions.join(' '), notice.summary ? escapeText(truncateEscaped(notice.summary, 1500)) : '']
    .filter(Boolean)
    .join(' ');
  // A lead that only holds while the offer is open gives way to the outcome when it settles.
  if (lead)
    add(notice.offerLead ? { ...section(lead), block_id: OFFER_LEAD_BLOCK } : section(lead), lead.length);

  const facts = notice.facts.slice(0, MAX_FACTS);
  for (let i = 0; i < facts.length; i += LIMITS.sectionFields) {
    const fields = facts.slice(i, i + LIMITS.sectionFields).map(renderFact);
    add(
      { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) } satisfies SectionBlock,
      sum(fields),
    );
  }

  const tail = renderTail(notice);
  const tailLength = tail.reduce((n, block) => n + block.length, 0);
  const reservedBlocks = tail.length;

  notice.details.forEach((detail, index) => {
    const left = notice.details.length - index - 1;
    const budget = Math.min(LIMITS.sectionText, TEXT_BUDGET - used - tailLength - left * MIN_DETAIL_BUDGET);
    if (blocks.length + reservedBlocks >= LIMITS.blocks || budget < MIN_DETAIL_BUDGET) return;
    const text = renderDetail(detail, budget);
    add(section(text), text.length);
  });

  for (const part of tail) blocks.push(part.block);

  return { text: renderFallback(notice, mentions), blocks };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function sum(texts: string[]): number {
  return texts.reduce((n, text) => n + text.length, 0);
}

/** `*Label*\nvalue`, at most FACT_MAX characters; a link too long to fit is left off, not cut. */
function renderFact(fact: Fact): string {
  const label = `*${escapeText(truncate(fact.label, 60))}*\n`;
  const plainRoom = FACT_MAX - label.length - 2;
  const linkedRoom = plainRoom - (fact.url ? safeUrl(fact.url).length + 3 : 0);
  const url = fact.url && linkedRoom >= 40 ? fact.url : undefined;
  const value = truncateEscaped(fact.value, url ? linkedRoom : plainRoom);
  const shown = fact.code ? `\`${escapeText(value)}\`` : escapeText(value);
  return label + (url ? `<${safeUrl(url)}|${shown}>` : shown);
}

function renderDetail(detail: Detail, budget: number): string {
  const label = `*${escapeText(truncate(detail.label, 100))}*\n`;
  const room = budget - label.length;
  switch (detail.type) {
    case 'text':
      return label + escapeText(truncateEscaped(detail.text, room));
    case 'code':
      return label + renderCode(detail.lines, detail.keep, room);
    case 'list':
      return label + renderList(detail, room);
    default: {
      const unknown: never = detail;
      throw new Error(`unknown detail ${JSON.stringify(unknown)}`);
    }
  }
}

/** A fenced block of whole lines that fits `room`; the cut is said outside the fence. */
function renderCode(lines: string[], keep: 'head' | 'tail', room: number): string {
  const fence = '```';
  const noteRoom = 40;
  const lineMax = Math.max(40, Math.floor((room - 2 * fence.length - noteRoom) / 2));
  const ordered = keep === 'tail' ? [...lines].reverse() : [...lines];
  const kept: string[] = [];
  let size = 2 * fence.length + 2;
  for (const raw of ordered) {
    const line = escapeText(truncateEscaped(raw.trimEnd(), lineMax));
    if (size + line.length + 1 > room - noteRoom) break;
    kept.push(line);
    size += line.length + 1;
  }
  const dropped = lines.length - kept.length;
  if (keep === 'tail') kept.reverse();
  const body = `${fence}\n${kept.join('\n') || ' '}\n${fence}`;
  if (dropped === 0) return body;
  const note = `_${ELLIPSIS} ${plural(dropped, keep === 'tail' ? 'earlier line' : 'more line')} not shown_`;
  return keep === 'tail' ? `${note}\n${body}` : `${body}\n${note}`;
}

function renderList(detail: Extract<Detail, { type: 'list' }>, room: number): string {
  const total = Math.max(detail.total ?? detail.items.length, detail.items.length);
  const note = detail.note ? `_${escapeText(truncate(detail.note, 300))}_` : '';
  const noteRoom = 60 + note.length;
  const lines: string[] = [];
  let size = 0;
  for (const item of detail.items) {
    const code = item.code ? `\`${escapeText(truncate(item.code, 40))}\` ` : '';
    const prefix = `• ${item.url && code ? `<${safeUrl(item.url)}|${code.trimEnd()}> ` : code}`;
    // The author: a Slack user id is mentioned (only the id's form passes), a name is plain text.
    const by =
      item.user && /^[UW][A-Z0-9]{2,20}$/.test(item.user)
        ? ` — <@${item.user}>`
        : item.by
          ? ` — ${escapeText(truncate(item.by, 60))}`
          : '';
    const textRoom = Math.min(300, room - noteRoom - size - prefix.length - by.length - 1);
    if (textRoom < 20) break;
    const text = truncateEscaped(item.text, textRoom);
    const line = prefix + (item.url && !code ? link(text, item.url) : escapeText(text)) + by;
    if (size + line.length + 1 > room - noteRoom) break;
    lines.push(line);
    size += line.length + 1;
  }
  const more = total - lines.length;
  if (more > 0) lines.push(`${ELLIPSIS} and ${plural(more, `more ${detail.noun}`)}`);
  if (note) lines.push(note);
  return lines.join('\n');
}

interface TailPart {
  block: KnownBlock;
  length: number;
}

/** Buttons and the footer, measured first so details know how much room is left. */
function renderTail(notice: Notice): TailPart[] {
  const parts: TailPart[] = [];
  if (notice.comment) {
    const block: InputBlock = {
      type: 'input',
      block_id: notice.comment.blockId,
      optional: true,
      label: { type: 'plain_text', text: truncate(notice.comment.label, 200) },
      element: {
        type: 'plain_text_input',
        action_id: notice.comment.actionId,
        max_length: 300,
        ...(notice.comment.placeholder
          ? { placeholder: { type: 'plain_text' as const, text: truncate(notice.comment.placeholder, 150) } }
          : {}),
      },
    };
    parts.push({ block, length: block.label.text.length });
  }
  const choices: Button[] = (notice.choices ?? []).slice(0, MAX_BUTTONS).map(renderChoice);
  const links: Button[] = notice.links
    .filter((l) => l.url.length <= LIMITS.buttonUrl)
    .slice(0, MAX_BUTTONS)
    .map((l, i) => ({
      type: 'button',
      text: { type: 'plain_text', text: truncate(l.text, LIMITS.buttonText), emoji: true },
      url: l.url,
      action_id: `link-${i}`,
    }));
  const buttons = [...choices, ...links];
  if (buttons.length > 0) {
    parts.push({
      block: { type: 'actions', elements: buttons } satisfies ActionsBlock,
      length: buttons.reduce((n, b) => n + b.text.text.length, 0),
    });
  }
  const bits: string[] = [];
  if (notice.context.length > 0) bits.push(escapeText(truncate(notice.context.join(' · '), CONTEXT_MAX)));
  const date = notice.occurredAt ? new Date(notice.occurredAt) : undefined;
  if (date && !Number.isNaN(date.getTime())) {
    const epoch = Math.floor(date.getTime() / 1000);
    bits.push(`<!date^${epoch}^{date_short_pretty} at {time}|${date.toISOString()}>`);
  }
  if (bits.length > 0) {
    const text = bits.join(' · ');
    parts.push({
      block: { type: 'context', elements: [{ type: 'mrkdwn', text }] } satisfies ContextBlock,
      length: text.length,
    });
  }
  return parts;
}

function renderChoice(choice: Choice): Button {
  const button: Button = {
    type: 'button',
    text: { type: 'plain_text', text: truncate(choice.text, LIMITS.buttonText), emoji: true },
    action_id: choice.actionId,
    value: choice.value,
  };
  if (choice.style) button.style = choice.style;
  if (choice.confirm) {
    button.confirm = {
      title: { type: 'plain_text', text: truncate(choice.confirm.title, LIMITS.confirmTitle) },
      text: { type: 'plain_text', text: truncate(choice.confirm.text, LIMITS.confirmText) },
      confirm: { type: 'plain_text', text: truncate(choice.confirm.confirm, LIMITS.confirmButton) },
      deny: { type: 'plain_text', text: truncate(choice.confirm.deny, LIMITS.confirmButton) },
    };
    if (choice.style) button.confirm.style = choice.style;
  }
  return button;
}

/**
 * The message, or, should rendering fail (a bug in Herald, never Slack's fault), the plain-text
 * fallback alone with the failure: the caller logs it and posts the text, so the notice is not lost.
 */
export function renderOrPlain(
  notice: Notice,
  options: RenderOptions = {},
): { message: SlackMessage; failure?: unknown } {
  try {
    return { message: renderNotice(notice, options) };
  } catch (failure) {
    let text: string;
    try {
      text = renderFallback(notice, options.mentions);
    } catch {
      text = `Herald has a ${String(notice.kind)} notice it could not format; it was logged.`;
    }
    return { message: { text, blocks: [] }, failure };
  }
}

/** The plain-text fallback: what notifications and screen readers say. */
function renderFallback(notice: Notice, mentions: string[] = []): string {
  const summary = notice.summary ? ` — ${notice.summary}` : '';
  const text = escapeText(truncate(`${notice.title}${summary}`, LIMITS.fallbackText - 200));
  return [mentions.join(' '), text].filter(Boolean).join(' ');
}
