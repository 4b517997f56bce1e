/**
 * The domain object every source describes its event as, and the only input of routing and rendering.
 * Strings here are plain text: rendering escapes and formats them, so describers never write mrkdwn.
 */

export const SOURCES = [
  'codebuild',
  'codecommit',
  'codedeploy',
  'codepipeline',
  'ecs',
  'approval',
  'herald',
] as const;
export type Source = (typeof SOURCES)[number];

export const SEVERITIES = ['info', 'success', 'warning', 'failure'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A labelled value shown in the message's field grid. */
export interface Fact {
  label: string;
  value: string;
  url?: string;
  /** Show the value as inline code (ids, versions). */
  code?: boolean;
}

export interface ListItem {
  /** Short token shown as inline code before the text, e.g. a short commit id. */
  code?: string;
  text: string;
  url?: string;
  /** Who the item is by: a Slack user id (mentioned), else a name (plain text). */
  user?: string;
  by?: string;
}

export type Detail =
  | { type: 'text'; label: string; text: string }
  /** Preformatted lines; when too long, `keep` says which end survives (a log tail keeps its end). */
  | { type: 'code'; label: string; lines: string[]; keep: 'head' | 'tail' }
  /**
   * `total` may exceed `items.length` when the source itself was bounded; `noun` names the items;
   * `note` says what the list leaves out that no count can say ("earlier commits not read").
   */
  | { type: 'list'; label: string; items: ListItem[]; total?: number; noun: string; note?: string };

export interface Link {
  text: string;
  url: string;
}

/** A button that calls back into Herald (approvals), as opposed to a link. */
export interface Choice {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

/** A one-line text input shown above the choices; its value comes back with the click. */
interface CommentInput {
  blockId: string;
  actionId: string;
  label: string;
  placeholder?: string;
}

/**
 * Which service a notice is about, by the names a team's resources have: routes match on them
 * (team A's channel gets team A's releases), the watch lists refuse what is not Herald's to say.
 */
export interface Scope {
  repository?: string;
  project?: string;
  pipeline?: string;
  application?: string;
  cluster?: string;
  service?: string;
}

export const SCOPE_KEYS = ['repository', 'project', 'pipeline', 'application', 'cluster', 'service'] as const;

export interface Notice {
  source: Source;
  /** Stable machine name of what happened, e.g. `build.failed`; routing and mute rules match on it. */
  kind: string;
  severity: Severity;
  title: string;
  summary?: string;
  facts: Fact[];
  details: Detail[];
  links: Link[];
  choices?: Choice[];
  comment?: CommentInput;
  /** Short plain-text bits for the footer: service, region, account. */
  context: string[];
  /** Ids that tie notices of one release together (commit, build, pipeline execution, deployment). */
  correlation: Record<string, string>;
  /** The environment the notice is about (`stage`, `prod`), when the routing config maps it. */
  environment?: string;
  /** ISO-8601 time of the event, when the event says. */
  occurredAt?: string;
  /**
   * The summary describes the state the choices decide ("waits for your decision", "traffic now
   * goes to the new task set"): once settled, the outcome takes its place.
   */
  offerLead?: boolean;
  /** The release this notice belongs to, and what it changes on its card (app mode). */
  release?: ReleaseStep;
  /** The team's resources it is about (routing by service, watch lists). */
  scope?: Scope;
}

/** The footer: where the notice comes from, and what enrichment could not read (so it says less). */
export function footer(parts: Array<string | undefined>, problems: string[] = []): string[] {
  const bits = parts.filter((part): part is string => Boolean(part));
  if (problems.length > 0) bits.push(`Not available: ${problems.join(', ')}`);
  return bits;
}

/** Where a stage of a release stands. */
export const STEP_STATES = ['running', 'waiting', 'succeeded', 'failed', 'stopped', 'superseded'] as const;
export type StepState = (typeof STEP_STATES)[number];

/**
 * What a notice says about the release (the pipeline execution) it belongs to: how to find the
 * release, and what it changes on the release card. Describers set it; delivery uses it in app mode.
 */
export interface ReleaseStep {
  pipeline?: string;
  executionId?: string;
  /** Ids by which the release is found when the event does not name it. */
  via?: {
    buildId?: string;
    deploymentId?: string;
    /** The deployment's application and group: which pipeline runs it (learnt from its structure). */
    application?: string;
    deploymentGroup?: string;
    taskDefinition?: string;
    commitId?: string;
  };
  /** `pipeline`: the run as a whole; `stage`: one of its stages; `detail`: news for the thread only. */
  level: 'pipeline' | 'stage' | 'detail';
  stage?: string;
  state?: StepState;
  /** ISO time of the event. */
  at?: string;
  startedAt?: string;
  region?: string;
  /** `Build #43`, `d-7X2…`: what the stage line names. */
  label?: string;
  url?: string;
  /** `traffic shifted 14:02, original kept until 17:02`. */
  note?: string;
  /** How specific the source is: a build's own event says more about the Build stage than the pipeline's. */
  priority: number;
  /** The commit the release ships (pipeline events know it after enrichment). */
  commit?: { id: string; message?: string; author?: string; url?: string };
  /** Buttons the card shows for this stage while it runs (Roll back / Finish now in a bake window). */
  offer?: { choices: Choice[]; comment?: Notice['comment'] };
  /** A decision was made on the offer: the card shows it no more. */
  closeOffer?: boolean;
  /** What the release ships since prod, in one line, and its compare view. */
  ships?: { line: string; url?: string };
}
