/**
 * Pure: what a release ships to prod, and what an approver should know beside it. The commits
 * between prod's revision and the candidate (walked once per release: shared/aws/commits.ts, kept
 * in the state table), who wrote them, how many files changed and whether the delivery itself
 * changes (how it is built or deployed); the risk signals Herald has data for: prod's last
 * release failed or was rolled back within a day, the request comes outside working hours.
 */
import * as v from 'valibot';
import { codeCommitCommitUrl, consoleOrigin } from '../aws/console-links';
import { shortCommit } from '../aws/revisions';
import { formatDuration, formatUtcMinute, parseAwsDate } from '../input/time';
import type { ListItem } from '../notice/notice';
import { plural } from '../notice/text';

const commitSchema = v.object({
  id: v.string(),
  title: v.string(),
  author: v.optional(v.string()),
  email: v.optional(v.string()),
  at: v.optional(v.string()),
  merge: v.boolean(),
});

export const shipsSchema = v.object({
  repository: v.string(),
  region: v.string(),
  head: v.string(),
  prod: v.union([
    v.object({
      kind: v.literal('known'),
      revision: v.string(),
      title: v.optional(v.string()),
      at: v.optional(v.string()),
    }),
    v.object({ kind: v.literal('first') }),
    v.object({ kind: v.literal('unknown'), why: v.string() }),
  ]),
  /** Newest first; at most the walk's bound. */
  commits: v.array(commitSchema),
  /** Every commit between prod and the candidate is listed. */
  complete: v.boolean(),
  files: v.optional(v.number()),
  filesMore: v.optional(v.boolean()),
  /** The changed files that change how it is built or deployed. */
  deliveryFiles: v.array(v.string()),
});

export type Ships = v.InferOutput<typeof shipsSchema>;
export type ShippedCommit = v.InferOutput<typeof commitSchema>;

/** Files that change the delivery itself: the build, the task definitions, the AppSpec, the image. */
const DELIVERY =
  /(^|\/)(buildspec[^/]*\.ya?ml|taskdef[^/]*\.json|appspec[^/]*\.(ya?ml|json)|Dockerfile[^/]*)$/i;

export function deliveryFilesOf(paths: string[]): string[] {
  return paths.filter((path) => DELIVERY.test(path));
}

/** The people behind the commits, once each (by email, else name). */
export function authorsOf(commits: ShippedCommit[]): Array<{ name: string; email?: string }> {
  const seen = new Map<string, { name: string; email?: string }>();
  for (const commit of commits) {
    const key = (commit.email ?? commit.author ?? '').toLowerCase();
    if (key && !seen.has(key))
      seen.set(key, { name: commit.author ?? commit.email ?? '', email: commit.email });
  }
  return [...seen.values()];
}

/** CodeCommit's compare view of two revisions. */
export function compareUrl(region: string, repository: string, before: string, after: string): string {
  const enc = encodeURIComponent;
  return `${consoleOrigin(region)}/codesuite/codecommit/repositories/${enc(repository)}/compare/${enc(before)}/.../${enc(after)}?region=${region}`;
}

/** `4 commits by 3 authors` (`more than 200 commits` when the walk stopped at its bound). */
function countOf(ships: Ships): string {
  const count = ships.complete
    ? plural(ships.commits.length, 'commit')
    : `more than ${plural(ships.commits.length, 'commit')}`;
  const authors = authorsOf(ships.commits).length;
  return authors > 0 ? `${count} by ${plural(authors, 'author')}` : count;
}

/**
 * The headline of what ships: "Ships 4 commits by 3 authors since prod (a1b2c3d · Fix totals,
 * deployed 2026-11-19 16:20 UTC)", "first release to prod", or why prod's revision is unknown.
 */
export function shipsHeadline(ships: Ships): string {
  switch (ships.prod.kind) {
    case 'first':
      return `Ships ${countOf(ships)}: the first release to prod`;
    case 'unknown':
      return `Ships ${shortCommit(ships.head)}; what runs in prod could not be found (${ships.prod.why}), so the changes since are not listed`;
    case 'known': {
      const { revision, title, at } = ships.prod;
      const when = parseAwsDate(at);
      const what = [
        `${shortCommit(revision)}${title ? ` · ${title}` : ''}`,
        when ? `deployed ${formatUtcMinute(when)}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      if (ships.commits.length === 0 && ships.complete)
        return `Ships nothing new: prod runs this revision (${what})`;
      return `Ships ${countOf(ships)} since prod (${what})`;
    }
  }
}

/** The card's line: the counts only (the list stays on the approval request). */
export function shipsCardLine(ships: Ships): string {
  if (ships.prod.kind === 'unknown') return 'What ships since prod could not be found';
  if (ships.prod.kind === 'first') return `Ships ${countOf(ships)}: the first release to prod`;
  return `Ships ${countOf(ships)} since prod`;
}

/** Where an author is a person of the routing file: their Slack user id. */
export type PeopleIndex = (identity: { name?: string; email?: string }) => string | undefined;

/** The commits newest first, at most `max`, each linked, with its author (by Slack id when known). */
export function commitItems(ships: Ships, people: PeopleIndex, max = 20): ListItem[] {
  return ships.commits.slice(0, max).map((commit) => {
    const when = parseAwsDate(commit.at);
    const user = people({ name: commit.author, email: commit.email });
    return {
      code: shortCommit(commit.id),
      text: `${commit.merge ? '[merge] ' : ''}${commit.title || '(no message)'}${when ? ` · ${formatUtcMinute(when)}` : ''}`,
      url: codeCommitCommitUrl(ships.region, ships.repository, commit.id),
      ...(user ? { user } : commit.author ? { by: commit.author } : {}),
    };
  });
}

/** `12 files changed` and whether the delivery itself changes. */
export function filesLine(ships: Ships): string | undefined {
  if (ships.files === undefined) return undefined;
  const files = `${ships.filesMore ? 'more than ' : ''}${plural(ships.files, 'file')} changed`;
  const delivery = ships.deliveryFiles;
  if (delivery.length === 0) return files;
  const named = delivery.slice(0, 4).join(', ');
  return `${files}; changes how it is built or deployed: ${named}${delivery.length > 4 ? `, and ${delivery.length - 4} more` : ''}`;
}

/** What Herald knows of prod's last releases of a pipeline. */
export const prodRecordSchema = v.object({
  last: v.optional(
    v.object({
      revision: v.string(),
      executionId: v.string(),
      at: v.string(),
      title: v.optional(v.string()),
    }),
  ),
  lastFailure: v.optional(
    v.object({
      executionId: v.optional(v.string()),
      at: v.string(),
      how: v.picklist(['failed', 'rolled back']),
      by: v.optional(v.string()),
    }),
  ),
});

export type ProdRecord = v.InferOutput<typeof prodRecordSchema>;

const DAY_MS = 86_400_000;

/** "Last prod release rolled back 2 h ago by Li Wei", when it happened within a day of `now`. */
export function lastFailureLine(record: ProdRecord | undefined, now: number): string | undefined {
  const failure = record?.lastFailure;
  const at = parseAwsDate(failure?.at);
  if (!failure || !at || now - at.getTime() > DAY_MS || now < at.getTime()) return undefined;
  // A success after it means prod is good again: the failure is history, not a warning.
  const last = parseAwsDate(record?.last?.at);
  if (last && last > at) return undefined;
  return `Last prod release ${failure.how} ${formatDuration(Math.max(now - at.getTime(), 60_000))} ago${failure.by ? ` by ${failure.by}` : ''}`;
}

/** A time zone this runtime knows (IANA names, e.g. `Europe/Berlin`). */
export function knownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** When a team works (the routing file's `workingHours`, checked there): a deploy outside is a risk signal. */
export interface WorkingHours {
  /** An IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** Days of the week, `Mon` … `Sun`. */
  days: Array<'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun'>;
  /** `09:00-18:00`, in that time zone. */
  hours: string;
}

/** "Requested Sat 22:40 Europe/Berlin, outside working hours (Mon–Fri 09:00-18:00)", or nothing. */
export function outsideHoursLine(hours: WorkingHours | undefined, at: number): string | undefined {
  if (!hours) return undefined;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: hours.timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const day = parts.weekday as WorkingHours['days'][number];
  const time = `${parts.hour}:${parts.minute}`;
  const [from = '00:00', to = '24:00'] = hours.hours.split('-');
  if (hours.days.includes(day) && time >= from && time < to) return undefined;
  return `Requested ${day} ${time} ${hours.timeZone}, outside working hours (${hours.days.join(', ')} ${hours.hours})`;
}
