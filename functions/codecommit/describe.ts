/**
 * Pure: a repository change (+ what the push contained) → Notice.
 */

import {
  codeCommitCommitUrl,
  codeCommitPullRequestUrl,
  codeCommitReferenceUrl,
  codeCommitRepositoryUrl,
} from '../../shared/aws/console-links';
import { shortCommit } from '../../shared/aws/revisions';
import { parseAwsDate } from '../../shared/input/time';
import type { Detail, Fact, Link, Notice, Severity } from '../../shared/notice/notice';
import { footer } from '../../shared/notice/notice';
import { firstLine, plural } from '../../shared/notice/text';
import {
  emptyPush,
  type FileChangeType,
  type OtherChange,
  type PullRequestChange,
  type PushChange,
  type PushEnrichment,
  type Reference,
  type RepositoryChange,
  type TestChange,
  TRIGGER_COMMITS,
} from './model';

const FILE_MARK: Record<FileChangeType, string> = { added: 'A', modified: 'M', deleted: 'D' };

function referenceLabel(reference: Reference): string {
  return reference.kind === 'other' ? reference.full : `${reference.kind} ${reference.name}`;
}

function occurredAt(time?: string): string | undefined {
  return parseAwsDate(time)?.toISOString();
}

export function describeChange(change: RepositoryChange, enrichment?: PushEnrichment): Notice {
  switch (change.type) {
    case 'push':
      return describePush(change, enrichment);
    case 'pullRequest':
      return describePullRequest(change);
    case 'test':
      return describeTest(change);
    case 'other':
      return describeOther(change);
    default: {
      const unknown: never = change;
      throw new Error(`unknown change ${JSON.stringify(unknown)}`);
    }
  }
}

function fileCounts(enrichment: PushEnrichment): string {
  const count = (type: FileChangeType) => enrichment.files.filter((f) => f.change === type).length;
  const parts = [`${count('added')} added`, `${count('modified')} modified`, `${count('deleted')} deleted`];
  return `${enrichment.filesComplete ? '' : 'at least '}${parts.join(', ')}`;
}

function describePush(change: PushChange, enrichment: PushEnrichment = emptyPush()): Notice {
  const { repository, region, reference } = change;
  const repoUrl = codeCommitRepositoryUrl(region, repository);
  const refUrl = codeCommitReferenceUrl(region, repository, reference.full);
  const head = change.newCommit;
  const headInfo = enrichment.commits[0];
  const facts: Fact[] = [{ label: 'Repository', value: repository, url: repoUrl }];
  const details: Detail[] = [];
  const links: Link[] = [];
  let kind: string;
  let severity: Severity = 'info';
  let title: string;

  if (change.change === 'deleted') {
    kind = `${reference.kind === 'tag' ? 'tag' : 'branch'}.deleted`;
    severity = reference.kind === 'tag' ? 'warning' : 'info';
    title = `${repository}: ${referenceLabel(reference)} deleted`;
    facts.push({ label: reference.kind === 'tag' ? 'Tag' : 'Branch', value: reference.name });
    if (change.oldCommit) {
      facts.push({
        label: 'Was at',
        value: shortCommit(change.oldCommit),
        url: codeCommitCommitUrl(region, repository, change.oldCommit),
        code: true,
      });
    }
  } else if (change.change === 'created') {
    kind = `${reference.kind === 'tag' ? 'tag' : 'branch'}.created`;
    title = `${repository}: ${referenceLabel(reference)} created`;
    facts.push({ label: reference.kind === 'tag' ? 'Tag' : 'Branch', value: reference.name, url: refUrl });
  } else {
    kind = enrichment.forced ? 'push.forced' : 'push';
    severity = enrichment.forced ? 'warning' : 'info';
    const n = enrichment.commits.length;
    const counted =
      change.oldCommit && n > 0
        ? `${enrichment.rangeComplete ? '' : 'at least '}${plural(n, 'commit')}`
        : undefined;
    title = enrichment.forced
      ? `${repository}: ${reference.name} force-pushed`
      : counted
        ? `${repository}: ${counted} pushed to ${reference.name}`
        : `${repository}: push to ${reference.name}`;
    facts.push({ label: reference.kind === 'tag' ? 'Tag' : 'Branch', value: reference.name, url: refUrl });
  }

  if (change.pusher) facts.push({ label: 'Pushed by', value: change.pusher });
  if (head) {
    facts.push({
      label: 'Head',
      value: headInfo ? `${shortCommit(head)} · ${firstLine(headInfo.message)}` : shortCommit(head),
      url: codeCommitCommitUrl(region, repository, head),
    });
    links.push({ text: 'Open commit', url: codeCommitCommitUrl(region, repository, head) });
  }
  if (change.change === 'updated' && change.oldCommit) {
    facts.push({
      label: 'Previous head',
      value: shortCommit(change.oldCommit),
      url: codeCommitCommitUrl(region, repository, change.oldCommit),
      code: true,
    });
  }
  if (enrichment.files.length > 0) facts.push({ label: 'Changed files', value: fileCounts(enrichment) });
  if (change.customData) facts.push({ label: 'Trigger note', value: change.customData });

  if (change.change === 'updated' && enrichment.commits.length > 0) {
    const fromTrigger = !change.oldCommit;
    details.push({
      type: 'list',
      label: fromTrigger ? `Latest commits on ${reference.name}` : 'Commits',
      noun: 'commit',
      items: enrichment.commits.map((commit) => ({
        code: shortCommit(commit.id),
        url: codeCommitCommitUrl(region, repository, commit.id),
        text: [firstLine(commit.message) || '(no message)', commit.author].filter(Boolean).join(' — '),
      })),
      note: fromTrigger
        ? `The repository trigger does not say where ${reference.name} was before; these are its latest ${TRIGGER_COMMITS} first-parent commits at most.`
        : enrichment.forced
          ? 'The previous head is not an ancestor of the new one: history was rewritten.'
          : enrichment.rangeComplete
            ? undefined
            : 'Earlier commits of this push were not read.',
    });
  }
  if (enrichment.files.length > 0) {
    details.push({
      type: 'list',
      label: 'Changed files',
      noun: 'file',
      items: enrichment.files.map((file) => ({ code: FILE_MARK[file.change], text: file.path })),
      note: enrichment.filesComplete ? undefined : 'Only the first pages of changes were read.',
    });
  }
  links.push({ text: reference.kind === 'tag' ? 'Browse tag' : 'Browse branch', url: refUrl });

  const context = footer(['CodeCommit', region, change.account], enrichment.problems);
  const correlation: Record<string, string> = { repository, reference: reference.full };
  if (head) correlation.commitId = head;

  return {
    scope: { repository },
    source: 'codecommit',
    kind,
    severity,
    title,
    summary: headInfo && change.change !== 'deleted' ? firstLine(headInfo.message) : undefined,
    facts,
    details,
    links: change.change === 'deleted' ? [{ text: 'Open repository', url: repoUrl }] : links,
    context,
    correlation,
    occurredAt: occurredAt(change.time),
    // A pushed branch head may start a release: its message can become that release's card.
    release:
      head && reference.kind === 'branch' && change.change !== 'deleted'
        ? { via: { commitId: head }, level: 'detail', priority: 2, region }
        : undefined,
  };
}

const PULL_REQUEST_EVENTS: Record<string, { kind: string; verb: string; severity: Severity }> = {
  pullRequestCreated: { kind: 'pull-request.created', verb: 'opened', severity: 'info' },
  pullRequestSourceBranchUpdated: { kind: 'pull-request.source-updated', verb: 'updated', severity: 'info' },
  pullRequestMergeStatusUpdated: { kind: 'pull-request.merged', verb: 'merged', severity: 'success' },
  pullRequestApprovalRuleOverridden: {
    kind: 'pull-request.rules-overridden',
    verb: 'had its approval rules overridden',
    severity: 'warning',
  },
};

function pullRequestLook(change: PullRequestChange): { kind: string; verb: string; severity: Severity } {
  if (change.event === 'pullRequestStatusChanged') {
    if (change.merged) return { kind: 'pull-request.merged', verb: 'merged', severity: 'success' };
    return change.status === 'Closed'
      ? { kind: 'pull-request.closed', verb: 'closed', severity: 'info' }
      : { kind: 'pull-request.reopened', verb: 'reopened', severity: 'info' };
  }
  if (change.event === 'pullRequestApprovalStateChanged') {
    return change.approvalStatus === 'REVOKE'
      ? { kind: 'pull-request.approval-revoked', verb: 'lost an approval', severity: 'warning' }
      : { kind: 'pull-request.approved', verb: 'approved', severity: 'success' };
  }
  return (
    PULL_REQUEST_EVENTS[change.event] ?? {
      kind: `pull-request.${change.event
        .replace(/^pullRequest/, '')
        .replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
        .replace(/^-/, '')}`,
      verb: 'changed',
      severity: 'info',
    }
  );
}

function describePullRequest(change: PullRequestChange): Notice {
  const look = pullRequestLook(change);
  const url = codeCommitPullRequestUrl(change.region, change.repository, change.id);
  const facts: Fact[] = [
    {
      label: 'Repository',
      value: change.repository,
      url: codeCommitRepositoryUrl(change.region, change.repository),
    },
  ];
  if (change.source && change.destination) {
    facts.push({ label: 'Merge', value: `${change.source.name} → ${change.destination.name}` });
  }
  if (change.author) facts.push({ label: 'Author', value: change.author });
  if (change.actor && change.actor !== change.author) facts.push({ label: 'By', value: change.actor });
  if (change.status) facts.push({ label: 'Status', value: change.merged ? 'Merged' : change.status });
  if (change.sourceCommit) {
    facts.push({
      label: 'Source commit',
      value: shortCommit(change.sourceCommit),
      url: codeCommitCommitUrl(change.region, change.repository, change.sourceCommit),
      code: true,
    });
  }
  return {
    source: 'codecommit',
    kind: look.kind,
    severity: look.severity,
    title: `${change.repository}: pull request #${change.id} ${look.verb}${change.title ? `: ${change.title}` : ''}`,
    facts,
    details: [],
    links: [{ text: 'Open pull request', url }],
    context: ['CodeCommit', change.region, change.account].filter(Boolean),
    correlation: { repository: change.repository, pullRequestId: change.id },
    scope: { repository: change.repository },
    occurredAt: occurredAt(change.time),
  };
}

function describeTest(change: TestChange): Notice {
  return {
    source: 'codecommit',
    kind: 'trigger.test',
    severity: 'info',
    title: `${change.repository}: trigger test received`,
    summary: `Herald received the test event of trigger ${change.triggerName ?? '(unnamed)'}: pushes to ${change.repository} will be announced here.`,
    facts: [
      {
        label: 'Repository',
        value: change.repository,
        url: codeCommitRepositoryUrl(change.region, change.repository),
      },
      ...(change.customData ? [{ label: 'Trigger note', value: change.customData }] : []),
    ],
    details: [],
    links: [],
    context: ['CodeCommit', change.region, change.account].filter(Boolean),
    correlation: { repository: change.repository },
    scope: { repository: change.repository },
    occurredAt: occurredAt(change.time),
  };
}

const OTHER_TITLES: Record<OtherChange['kind'], string> = {
  'comment.pull-request': 'comment on a pull request',
  'comment.commit': 'comment on a commit',
  'merge-commit.created': 'merge commit made without a branch',
};

/** Comments and unreferenced merge commits: briefly, under kinds muted by default. */
function describeOther(change: OtherChange): Notice {
  const { repository, region } = change;
  const url = change.pullRequestId
    ? codeCommitPullRequestUrl(region, repository, change.pullRequestId)
    : change.commitId
      ? codeCommitCommitUrl(region, repository, change.commitId)
      : codeCommitRepositoryUrl(region, repository);
  return {
    source: 'codecommit',
    kind: change.kind,
    severity: 'info',
    title: `${repository}: ${OTHER_TITLES[change.kind]}${change.actor ? ` by ${change.actor}` : ''}`,
    facts: [
      { label: 'Repository', value: repository, url: codeCommitRepositoryUrl(region, repository) },
      ...(change.pullRequestId ? [{ label: 'Pull request', value: `#${change.pullRequestId}`, url }] : []),
      ...(change.commitId ? [{ label: 'Commit', value: shortCommit(change.commitId), code: true }] : []),
    ],
    details: [],
    links: [{ text: 'Open', url }],
    context: footer(['CodeCommit', region, change.account]),
    correlation: { repository, ...(change.commitId ? { commitId: change.commitId } : {}) },
    scope: { repository },
    occurredAt: occurredAt(change.time),
  };
}
