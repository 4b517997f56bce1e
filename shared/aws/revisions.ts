/**
 * What a pipeline execution ships: its source revisions (GetPipelineExecution's
 * `artifactRevisions`), shown the same way by the codepipeline and approvalRequest messages.
 */
import type { ArtifactRevision } from '@aws-sdk/client-codepipeline';
import type { Fact } from '../notice/notice';
import { firstLine } from '../notice/text';

export interface Revision {
  artifact?: string;
  id?: string;
  summary?: string;
  url?: string;
}

/** CodeStar Connections sources put `{"ProviderType":…,"CommitMessage":…}` where a message belongs. */
function commitMessageOf(summary: string | undefined): string | undefined {
  if (!summary) return undefined;
  if (summary.trim().startsWith('{')) {
    try {
      const parsed = JSON.parse(summary) as { CommitMessage?: unknown };
      if (typeof parsed.CommitMessage === 'string') return parsed.CommitMessage;
    } catch {
      return summary;
    }
  }
  return summary;
}

export function revisionsOf(artifactRevisions: ArtifactRevision[] | undefined): Revision[] {
  return (artifactRevisions ?? []).map((revision) => ({
    artifact: revision.name,
    id: revision.revisionId,
    summary: commitMessageOf(revision.revisionSummary),
    url: revision.revisionUrl,
  }));
}

/** A git commit id as its first 7 characters; anything else (a version, a tag) as it is. */
export function shortCommit(id: string): string {
  return /^[0-9a-f]{40}$/i.test(id) ? id.slice(0, 7) : id;
}

/** `a625406 · First line of the message`, linked to the revision. */
export function revisionFact(label: string, revision: Revision | undefined): Fact | undefined {
  if (!revision?.id) return undefined;
  const id = shortCommit(revision.id);
  return {
    label,
    value: revision.summary ? `${id} · ${firstLine(revision.summary)}` : id,
    url: revision.url,
  };
}

/** The repository of a CodeCommit revision URL, in the old and the new console form. */
export function repositoryOfRevisionUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const match = /\/(?:repository|repositories)\/([^/?#]+)\/commit\//.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * Who decided a manual approval, from the action execution CodePipeline keeps: the summary Herald
 * wrote for a decision made in Slack ("Approved in Slack by Li Wei (U…): comment"), else the
 * principal that called PutApprovalResult and the summary they gave.
 */
export function approvalDecisionOf(
  updatedBy: string | undefined,
  summary: string | undefined,
): { by?: string; comment?: string } {
  const slack = /^(?:Approved|Rejected) in Slack by (.+?) \((?:U|W)[A-Z0-9]+\)(?:: ([\s\S]*))?$/.exec(
    summary ?? '',
  );
  if (slack) return { by: slack[1], ...(slack[2] ? { comment: slack[2] } : {}) };
  const by = updatedBy ? (/[^/:]+$/.exec(updatedBy)?.[0] ?? updatedBy) : undefined;
  return { ...(by ? { by } : {}), ...(summary ? { comment: summary } : {}) };
}
