/**
 * Block Kit → HTML that looks enough like Slack for layout problems to show: header, sections
 * with mrkdwn (links, bold, italics, strike, code, code blocks, mentions, dates, emoji), fields in
 * two columns, context, inputs, buttons with their style and confirm dialog.
 * Slack-escaped text (`&amp; &lt; &gt;`) is already valid HTML text, so it is kept as it is.
 */
import type { RoutingConfig } from '../../shared/routing/schema';
import type { SlackMessage } from '../../shared/slack/message';

/** Slack shows `<@U…>` and `<!subteam^S…>` by name: the people and groups the preview knows, by id. */
export type People = Readonly<Record<string, string>>;

/** Everyone the routing config names (approvers, approver groups), as Slack would show them. */
export function peopleOf(routing: RoutingConfig): People {
  const people: Record<string, string> = {};
  for (const rule of routing.approvals?.rules ?? []) {
    for (const approver of rule.approvers) people[approver.slackUserId] = approver.name;
    for (const group of rule.approverGroups ?? []) people[group.slackGroupId] = group.name;
  }
  return people;
}

/** Symbols every font has (no colour-emoji font needed), coloured like Slack's emoji. */
const EMOJI: Record<string, string> = {
  x: '<span class="emoji" style="color:#e01e5a">✖</span>',
  white_check_mark: '<span class="emoji" style="color:#007a5a">✔</span>',
  warning: '<span class="emoji" style="color:#e8a100">⚠</span>',
  large_blue_circle: '<span class="emoji" style="color:#1264a3">●</span>',
  no_entry: '<span class="emoji" style="color:#e01e5a">⊘</span>',
  information_source: '<span class="emoji" style="color:#1264a3">ℹ</span>',
  hourglass: '<span class="emoji">⌛</span>',
  leftwards_arrow_with_hook: '<span class="emoji" style="color:#1264a3">↩</span>',
  fast_forward: '<span class="emoji" style="color:#1264a3">⏩</span>',
};

/** Escape for HTML of text that is not Slack-escaped (plain_text, attributes, JSON). */
export function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function emoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

/** `text` is Slack-escaped; quotes still need escaping inside attributes. */
function inline(text: string): string {
  return emoji(text)
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(>])\*([^*\n]+)\*(?=[\s).,:;!?<]|$)/g, '$1<b>$2</b>')
    .replace(/(^|[\s(>])_([^_\n]+)_(?=[\s).,:;!?<]|$)/g, '$1<i>$2</i>')
    .replace(/(^|[\s(>])~([^~\n]+)~(?=[\s).,:;!?<]|$)/g, '$1<s>$2</s>');
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function ordinal(n: number): string {
  const suffix =
    n % 10 === 1 && n !== 11
      ? 'st'
      : n % 10 === 2 && n !== 12
        ? 'nd'
        : n % 10 === 3 && n !== 13
          ? 'rd'
          : 'th';
  return `${n}${suffix}`;
}

/**
 * `<!date^1795183661^{date_short_pretty} at {time}|…>` as Slack shows it (here in UTC: the preview
 * has no reader's time zone), the fallback only when the date cannot be read.
 */
export function slackDate(target: string, fallback: string | undefined): string {
  const [, seconds = '', format = ''] = target.split('^');
  const date = new Date(Number(seconds) * 1000);
  if (!seconds || Number.isNaN(date.getTime())) return fallback ?? target;
  const month = MONTHS[date.getUTCMonth()] ?? '';
  const day = date.getUTCDate();
  const year = date.getUTCFullYear();
  const hours = date.getUTCHours() % 12 || 12;
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  const ampm = date.getUTCHours() < 12 ? 'AM' : 'PM';
  const tokens: Record<string, string> = {
    date_num: date.toISOString().slice(0, 10),
    date: `${month} ${ordinal(day)}, ${year}`,
    date_short: `${month.slice(0, 3)} ${day}, ${year}`,
    date_long: `${DAYS[date.getUTCDay()]}, ${month} ${ordinal(day)}, ${year}`,
    date_pretty: `${month} ${ordinal(day)}, ${year}`,
    date_short_pretty: `${month.slice(0, 3)} ${day}, ${year}`,
    date_long_pretty: `${DAYS[date.getUTCDay()]}, ${month} ${ordinal(day)}, ${year}`,
    time: `${hours}:${minutes} ${ampm}`,
    time_secs: `${hours}:${minutes}:${String(date.getUTCSeconds()).padStart(2, '0')} ${ampm}`,
  };
  return format.replace(/\{(\w+)\}/g, (whole, token: string) => tokens[token] ?? whole);
}

/** Slack's angle-bracket forms: links, mentions, dates. */
function special(inner: string, people: People): string {
  const [target = '', label] = inner.split(/\|(.*)/s);
  if (target === '!here' || target === '!channel' || target === '!everyone') {
    return `<span class="mention">@${target.slice(1)}</span>`;
  }
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="mention" title="${html(id)}">@${html(people[id] ?? label ?? id)}</span>`;
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    return `<span class="mention" title="${html(id)}">@${html(people[id] ?? label?.replace(/^@/, '') ?? 'group')}</span>`;
  }
  if (target.startsWith('!date^'))
    return `<span class="date" title="${label ?? ''}">${slackDate(target, label)} UTC</span>`;
  const url = target.replace(/"/g, '%22');
  return `<a href="${url}" target="_blank" rel="noopener">${label === undefined ? url : inline(label)}</a>`;
}

export function mrkdwn(text: string, people: People = {}): string {
  const parts: string[] = [];
  // Code blocks first: nothing inside them is formatted.
  const segments = text.split(/```/);
  segments.forEach((segment, i) => {
    if (i % 2 === 1) {
      parts.push(`<pre>${segment.replace(/^\n/, '').replace(/\n$/, '')}</pre>`);
      return;
    }
    let out = '';
    let last = 0;
    for (const match of segment.matchAll(/<([^<>]+)>/g)) {
      out += inline(segment.slice(last, match.index));
      out += special(match[1] ?? '', people);
      last = (match.index ?? 0) + match[0].length;
    }
    out += inline(segment.slice(last));
    parts.push(out.replace(/\n/g, '<br>'));
  });
  return parts.join('');
}

function textObject(value: unknown, people: People = {}): string {
  if (!value || typeof value !== 'object') return '';
  const t = value as { type?: string; text?: string };
  if (typeof t.text !== 'string') return '';
  return t.type === 'mrkdwn' ? mrkdwn(t.text, people) : emoji(html(t.text));
}

interface Element {
  type: string;
  text?: unknown;
  url?: string;
  value?: string;
  style?: string;
  action_id?: string;
  confirm?: { title?: unknown; text?: unknown; confirm?: unknown; deny?: unknown };
  placeholder?: unknown;
}

function button(element: Element): string {
  const style = element.style ? ` ${element.style}` : '';
  const label = textObject(element.text);
  if (element.url)
    return `<a class="button${style}" href="${html(element.url)}" target="_blank" rel="noopener">${label}</a>`;
  const confirm = element.confirm
    ? ` data-confirm="${html(`${plain(element.confirm.title)}\n\n${plain(element.confirm.text)}`)}"`
    : '';
  return `<button class="button${style}" data-action-id="${html(element.action_id ?? '')}" data-value="${html(element.value ?? '')}"${confirm}>${label}</button>`;
}

function plain(value: unknown): string {
  return value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string'
    ? (value as { text: string }).text
    : '';
}

export function renderMessage(message: SlackMessage, people: People = {}): string {
  const blocks = message.blocks.map((raw) => {
    const block = raw as unknown as {
      type: string;
      text?: unknown;
      fields?: unknown[];
      elements?: Element[];
      label?: unknown;
      element?: Element;
      block_id?: string;
    };
    switch (block.type) {
      case 'header':
        return `<div class="header">${textObject(block.text)}</div>`;
      case 'section': {
        const text = block.text ? `<div class="text">${textObject(block.text, people)}</div>` : '';
        const fields = block.fields?.length
          ? `<div class="fields">${block.fields.map((f) => `<div class="field">${textObject(f, people)}</div>`).join('')}</div>`
          : '';
        return `<div class="section">${text}${fields}</div>`;
      }
      case 'context':
        return `<div class="context">${(block.elements ?? []).map((e) => textObject(e, people)).join(' ')}</div>`;
      case 'actions':
        return `<div class="actions">${(block.elements ?? []).map(button).join('')}</div>`;
      case 'input':
        return `<label class="input">${textObject(block.label)}<input type="text" data-block-id="${html(block.block_id ?? '')}" data-action-id="${html(block.element?.action_id ?? '')}" placeholder="${html(plain(block.element?.placeholder))}"></label>`;
      case 'divider':
        return '<hr>';
      default:
        return `<div class="unknown">(${html(block.type)} block)</div>`;
    }
  });
  const fallback =
    message.blocks.length === 0 ? `<div class="text">${mrkdwn(message.text, people)}</div>` : '';
  return `<div class="message">${blocks.join('')}${fallback}</div>`;
}
