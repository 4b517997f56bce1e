/**
 * Step 2 of a click: what was clicked, read only from a verified body: an approval (Approve /
 * Reject) or a bake-window decision (Roll back / Finish now). Anything that is not one of Herald's
 * buttons is answered 200 and ignored; an unreadable payload or button value gets a 400.
 */

import * as v from 'valibot';
import { decodeApprovalValue, decodeBakeValue } from '../../../shared/decisions/button-value';
import { isBakeAction } from '../../../shared/decisions/rollbacks';
import { describeIssues } from '../../../shared/input/parse';
import type { Log } from '../../../shared/lambda/logger';
import { isOurAction } from '../approval/decide';
import { type BakeClick, blockActionsSchema, type Click, type HttpResponse } from './schema';
import { reply } from './verify';

export function readClick(
  body: Buffer,
  log: Log,
): { ok: true; click: Click } | { ok: true; bake: BakeClick } | { ok: false; response: HttpResponse } {
  const form = new URLSearchParams(body.toString('utf8'));
  let json: unknown;
  try {
    json = JSON.parse(form.get('payload') ?? '');
  } catch {
    log.warn('Signed request without a JSON payload');
    return { ok: false, response: reply(400, 'no payload') };
  }
  const type = json && typeof json === 'object' && 'type' in json ? json.type : undefined;
  if (type !== 'block_actions') {
    log.info('Ignored an interaction that is not a button click', { type: String(type) });
    return { ok: false, response: reply(200) };
  }
  const parsed = v.safeParse(blockActionsSchema, json);
  if (!parsed.success) {
    log.warn('Unreadable block_actions payload', { reason: describeIssues(parsed.issues) });
    return { ok: false, response: reply(400, 'unreadable payload') };
  }
  const payload = parsed.output;
  const action = payload.actions[0];
  if (isBakeAction(action?.action_id)) {
    const bake = decodeBakeValue(action?.value ?? '');
    if (bake) return { ok: true, bake: { payload, value: bake } };
    log.warn('Rollback button with an invalid value', { user: payload.user.id });
    return { ok: false, response: reply(400, 'invalid button') };
  }
  if (!isOurAction(action?.action_id)) return { ok: false, response: reply(200) };
  const value = decodeApprovalValue(action?.value ?? '');
  if (!value) {
    log.warn('Approval button with an invalid value', { user: payload.user.id });
    return { ok: false, response: reply(400, 'invalid button') };
  }
  return { ok: true, click: { payload, value } };
}
