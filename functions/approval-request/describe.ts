/**
 * Pure: an approval notification (+ what is being shipped) → the approval request Notice, with
 * Approve / Reject buttons (each asks for confirmation) and a comment box. The console link
 * Herald shows is the pipeline's, never `approvalReviewLink`, whose URL carries the token.
 */
import { createHash } from 'node:crypto';
import { codePipelineExecutionUrl, codePipelineUrl } from '../../shared/aws/console-links';
import { revisionFact } from '../../shared/aws/revisions';
import {
  APPROVE_ACTION,
  COMMENT_ACTION,
  COMMENT_BLOCK,
  REJECT_ACTION,
} from '../../shared/decisions/approvals';
import { encodeButtonValue } from '../../shared/decisions/button-value';
import { formatUtcMinute, parseAwsDate } from '../../shared/input/time';
import type { Detail, Fact, Link, Notice } from '../../shared/notice/notice';
import { footer } from '../../shared/notice/notice';
import {
  commitItems,
  compareUrl,
  filesLine,
  lastFailureLine,
  outsideHoursLine,
  type PeopleIndex,
  shipsCardLine,
  shipsHeadline,
} from '../../shared/releases/ships';
import type { ApprovalEnrichment, ApprovalRequest } from './model';

/** Who each commit author is in Slack, where the routing file's people say. */
function peopleIndex(people: ApprovalRequest['people']): PeopleIndex {
  return ({ name, email }) => {
    const keys = [name, email].filter((k): k is string => Boolean(k)).map((k) => k.trim().toLowerCase());
    return people.find((person) => keys.some((key) => person.identities.includes(key)))?.slackUserId;
  };
}

/** What ships since prod, the commits newest first (20 at most), and the risk signals beside them. */
function shipsDetails(request: ApprovalRequest, enrichment: ApprovalEnrichment): Detail[] {
  const details: Detail[] = [];
  const { ships } = enrichment;
  if (ships) {
    details.push({
      type: 'text',
      label: 'What ships',
      text: [shipsHeadline(ships), filesLine(ships)].filter(Boolean).join('\n'),
    });
    if (ships.commits.length > 0)
      details.push({
        type: 'list',
        label: 'Commits, newest first',
        noun: 'commit',
        items: commitItems(ships, peopleIndex(request.people)),
        total: ships.commits.length,
        ...(ships.complete
          ? {}
          : { note: `The walk stopped at ${ships.commits.length} commits: older changes are not listed.` }),
      });
  }
  const risks = [
    lastFailureLine(enrichment.prod, request.at),
    outsideHoursLine(request.workingHours, request.at),
  ].filter((line): line is string => Boolean(line));
  if (risks.length > 0) details.push({ type: 'text', label: 'Heads-up', text: risks.join('\n') });
  return details;
}

export function describeApprovalRequest(
  request: ApprovalRequest,
  enrichment: ApprovalEnrichment = { revisions: [], problems: [] },
): Notice {
  const { notification, rule, expired } = request;
  const { region, approval } = notification;
  const environment = rule?.environment;
  const where = environment ?? `${approval.stageName} / ${approval.actionName}`;
  const facts: Fact[] = [
    { label: 'Pipeline', value: approval.pipelineName, url: codePipelineUrl(region, approval.pipelineName) },
    { label: 'Waiting at', value: `${approval.stageName} / ${approval.actionName}` },
  ];
  const head = revisionFact('Ships', enrichment.revisions[0]);
  if (head) facts.push(head);
  const author = enrichment.author;
  if (author?.name || author?.email)
    facts.push({ label: 'Change by', value: author.name ?? author.email ?? '' });
  const expires = parseAwsDate(approval.expires);
  if (expires) facts.push({ label: expired ? 'Expired' : 'Expires', value: formatUtcMinute(expires) });
  if (rule && !expired) {
    facts.push({
      label: 'Approvers',
      value: `${rule.approvers.map((a) => a.name).join(', ') || 'nobody yet'}${rule.noSelfApproval ? ' (not the change author)' : ''}`,
    });
  }

  const links: Link[] = [];
  if (approval.externalEntityLink) links.push({ text: 'Review', url: approval.externalEntityLink });
  const { ships } = enrichment;
  const compare =
    ships?.prod.kind === 'known'
      ? compareUrl(ships.region, ships.repository, ships.prod.revision, ships.head)
      : undefined;
  if (compare) links.push({ text: 'Compare with prod', url: compare });
  links.push({
    text: 'Open pipeline',
    url: enrichment.executionId
      ? codePipelineExecutionUrl(region, approval.pipelineName, enrichment.executionId)
      : codePipelineUrl(region, approval.pipelineName),
  });

  const value = encodeButtonValue({
    v: 2,
    kind: 'approval',
    pipeline: approval.pipelineName,
    stage: approval.stageName,
    action: approval.actionName,
    token: approval.token,
    environment: environment ?? '',
    // Bounded like the click reads it back: the button value stays far under Slack's 2000 characters.
    authors: [author?.name, author?.email]
      .filter((x): x is string => Boolean(x))
      .map((identity) => identity.slice(0, 200))
      .slice(0, 5),
    expires: expires?.toISOString(),
    execution: enrichment.executionId,
  });
  const target = environment ? `to ${environment}` : `past ${approval.stageName}`;

  const context = footer(
    [
      'CodePipeline',
      region,
      rule || expired ? undefined : 'No approval rule matches this action: nobody can approve it from Slack',
    ],
    enrichment.problems,
  );

  const notice: Notice = {
    source: 'approval',
    kind: expired ? 'approval.expired' : 'approval.requested',
    severity: 'warning',
    title: expired
      ? `Approval expired: ${approval.pipelineName} → ${where}`
      : `Approval needed: ${approval.pipelineName} → ${where}`,
    summary: expired
      ? `This request expired before Herald could show it, so it has no buttons: CodePipeline has failed the action. Re-run the ${approval.stageName} stage to ask again.`
      : approval.customData,
    facts,
    details: expired ? [] : shipsDetails(request, enrichment),
    links,
    context,
    scope: { pipeline: approval.pipelineName },
    correlation: {
      pipeline: approval.pipelineName,
      // Tells approval requests apart (delivery log) without carrying the token itself.
      approval: createHash('sha256').update(approval.token).digest('hex').slice(0, 16),
      ...(enrichment.executionId ? { pipelineExecutionId: enrichment.executionId } : {}),
    },
  };
  if (environment) notice.environment = environment;
  if (!expired) {
    notice.offerLead = true;
    notice.choices = [
      {
        text: 'Approve',
        actionId: APPROVE_ACTION,
        value,
        style: 'primary',
        confirm: {
          title: 'Approve this release?',
          text: `${approval.pipelineName} will continue ${target}. Your name and comment are recorded in CodePipeline.`,
          confirm: 'Approve',
          deny: 'Cancel',
        },
      },
      {
        text: 'Reject',
        actionId: REJECT_ACTION,
        value,
        style: 'danger',
        confirm: {
          title: 'Reject this release?',
          text: `${approval.pipelineName} will stop here. Your name and comment are recorded in CodePipeline.`,
          confirm: 'Reject',
          deny: 'Cancel',
        },
      },
    ];
    notice.comment = {
      blockId: COMMENT_BLOCK,
      actionId: COMMENT_ACTION,
      label: 'Comment (optional, recorded with your decision)',
      placeholder: 'Checked the stage URL, looks good',
    };
  }
  if (enrichment.executionId) {
    notice.release = {
      pipeline: approval.pipelineName,
      executionId: enrichment.executionId,
      level: 'stage',
      stage: approval.stageName,
      state: 'waiting',
      region,
      note: !expires
        ? 'waiting for a decision'
        : expired
          ? `expired at ${formatUtcMinute(expires)} without a decision`
          : `waiting for a decision until ${formatUtcMinute(expires)}`,
      priority: 2,
      ...(ships ? { ships: { line: shipsCardLine(ships), ...(compare ? { url: compare } : {}) } } : {}),
    };
  }
  return notice;
}
