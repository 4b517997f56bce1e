/**
 * Slack's message limits, and a checker that lists every violation of a payload. Render keeps
 * within these by construction; the checker proves it in tests and in the local preview.
 * https://api.slack.com/reference/block-kit/blocks
 */
import type { SlackMessage } from './message';

export const LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  buttonValue: 2000,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  inputLabel: 2000,
  placeholder: 150,
  /** Slack answers `msg_blocks_too_long` well below the documented limits; stay under this total. */
  totalBlockText: 12000,
  fallbackText: 4000,
} as const;

interface TextObject {
  type?: string;
  text?: string;
}

function textOf(value: unknown): string {
  if (value && typeof value === 'object' && 'text' in value) {
    const text = (value as TextObject).text;
    return typeof text === 'string' ? text : '';
  }
  return '';
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Every limit a payload breaks, as readable sentences; empty when it fits. */
export function checkSlackLimits(message: SlackMessage): string[] {
  const problems: string[] = [];
  let total = 0;
  const measure = (where: string, text: string, max: number) => {
    total += text.length;
    if (text.length > max) problems.push(`${where}: ${text.length} characters, limit ${max}`);
  };

  if (typeof message.text !== 'string' || message.text.trim() === '') {
    problems.push('text: the plain-text fallback is empty');
  } else if (message.text.length > LIMITS.fallbackText) {
    problems.push(`text: ${message.text.length} characters, limit ${LIMITS.fallbackText}`);
  }
  const blocks = arrayOf(message.blocks);
  if (blocks.length > LIMITS.blocks) problems.push(`blocks: ${blocks.length}, limit ${LIMITS.blocks}`);

  /** A list of at most `limit` items, each checked. */
  const within = (
    where: string,
    items: unknown[],
    limit: number,
    unit: string,
    check: (item: unknown, at: string) => void,
  ) => {
    if (items.length > limit) problems.push(`${where}: ${items.length}${unit}, limit ${limit}`);
    items.forEach((item, i) => {
      check(item, `${where}[${i}]`);
    });
  };

  blocks.forEach((raw, index) => {
    const block = record(raw);
    const where = `blocks[${index}] (${String(block.type)})`;
    switch (block.type) {
      case 'header': {
        const text = record(block.text);
        if (text.type !== 'plain_text') problems.push(`${where}: header text must be plain_text`);
        measure(`${where}.text`, textOf(block.text), LIMITS.headerText);
        break;
      }
      case 'section': {
        if (block.text !== undefined) measure(`${where}.text`, textOf(block.text), LIMITS.sectionText);
        const fields = arrayOf(block.fields);
        within(`${where}.fields`, fields, LIMITS.sectionFields, ' items', (field, at) =>
          measure(at, textOf(field), LIMITS.fieldText),
        );
        if (block.text === undefined && fields.length === 0)
          problems.push(`${where}: neither text nor fields`);
        if (block.accessory !== undefined) checkElement(`${where}.accessory`, record(block.accessory));
        break;
      }
      case 'context':
        within(`${where}.elements`, arrayOf(block.elements), LIMITS.contextElements, '', (element, at) =>
          measure(at, textOf(element), LIMITS.sectionText),
        );
        break;
      case 'actions':
        within(`${where}.elements`, arrayOf(block.elements), LIMITS.actionsElements, '', (element, at) =>
          checkElement(at, record(element)),
        );
        break;
      case 'input': {
        const label = record(block.label);
        if (label.type !== 'plain_text') problems.push(`${where}: input label must be plain_text`);
        measure(`${where}.label`, textOf(block.label), LIMITS.inputLabel);
        const element = record(block.element);
        if (element.placeholder !== undefined)
          measure(`${where}.element.placeholder`, textOf(element.placeholder), LIMITS.placeholder);
        if (typeof element.action_id === 'string' && element.action_id.length > LIMITS.actionId) {
          problems.push(
            `${where}.element.action_id: ${element.action_id.length} characters, limit ${LIMITS.actionId}`,
          );
        }
        break;
      }
      case 'divider':
        break;
      default:
        problems.push(`${where}: block type not used by Herald`);
    }
  });

  if (total > LIMITS.totalBlockText) {
    problems.push(`blocks: ${total} characters of text in all, limit ${LIMITS.totalBlockText}`);
  }
  return problems;

  function checkElement(where: string, element: Record<string, unknown>): void {
    if (element.type !== 'button') return;
    measure(`${where}.text`, textOf(element.text), LIMITS.buttonText);
    if (typeof element.url === 'string' && element.url.length > LIMITS.buttonUrl) {
      problems.push(`${where}.url: ${element.url.length} characters, limit ${LIMITS.buttonUrl}`);
    }
    if (typeof element.value === 'string' && element.value.length > LIMITS.buttonValue) {
      problems.push(`${where}.value: ${element.value.length} characters, limit ${LIMITS.buttonValue}`);
    }
    if (typeof element.action_id === 'string' && element.action_id.length > LIMITS.actionId) {
      problems.push(`${where}.action_id: ${element.action_id.length} characters, limit ${LIMITS.actionId}`);
    }
    const confirm = record(element.confirm);
    if (element.confirm !== undefined) {
      measure(`${where}.confirm.title`, textOf(confirm.title), LIMITS.confirmTitle);
      measure(`${where}.confirm.text`, textOf(confirm.text), LIMITS.confirmText);
      measure(`${where}.confirm.confirm`, textOf(confirm.confirm), LIMITS.confirmButton);
      measure(`${where}.confirm.deny`, textOf(confirm.deny), LIMITS.confirmButton);
    }
  }
}
