/**
 * The boundary: SNS envelopes are unwrapped here, once, for every source, then each payload is
 * validated against the source's schema. Invalid payloads are returned with a readable reason,
 * never thrown, so one bad record cannot hide the good ones.
 */
import * as v from 'valibot';

export interface Rejected {
  reason: string;
  /** What the payload said it was, for the log line and the "unreadable event" notice. */
  label: string;
  /** What could still be read of it: its region, and the names that say which resource. */
  clues?: { region?: string; names: Array<{ label: string; value: string }> };
}

interface Parsed<T> {
  events: T[];
  rejected: Rejected[];
}

const snsEnvelopeSchema = v.object({
  Records: v.array(
    v.object({
      EventSource: v.optional(v.string()),
      Sns: v.object({ Message: v.string(), Subject: v.optional(v.nullable(v.string())) }),
    }),
  ),
});

/**
 * CodeStar Notifications deliver an EventBridge event with `detailType` (camelCase), no `id` and
 * an `additionalAttributes` object: give it its EventBridge name so every schema reads both forms.
 * https://docs.aws.amazon.com/dtconsole/latest/userguide/concepts.html#concepts-payload
 */
function normalizeCodeStar(payload: unknown): unknown {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return payload;
  const p = payload as Record<string, unknown>;
  if (typeof p.detailType === 'string' && p['detail-type'] === undefined)
    return { ...p, 'detail-type': p.detailType };
  return payload;
}

/** Direct events pass through; each SNS record's message is JSON-decoded. */
export function unwrapSns(input: unknown): { payloads: unknown[]; rejected: Rejected[] } {
  const envelope = v.safeParse(snsEnvelopeSchema, input);
  if (!envelope.success) return { payloads: [input], rejected: [] };
  const payloads: unknown[] = [];
  const rejected: Rejected[] = [];
  for (const record of envelope.output.Records) {
    try {
      payloads.push(JSON.parse(record.Sns.Message));
    } catch {
      rejected.push({
        reason: 'SNS message is not JSON',
        label: (record.Sns.Subject ?? record.Sns.Message.slice(0, 80)).toWellFormed(),
      });
    }
  }
  return { payloads, rejected };
}

/** Keys whose values name the resource an event is about, wherever they stand in it. */
const NAMING_KEYS: Record<string, string> = {
  'project-name': 'Project',
  pipeline: 'Pipeline',
  pipelineName: 'Pipeline',
  deploymentId: 'Deployment',
  application: 'Application',
  applicationName: 'Application',
  repositoryName: 'Repository',
  clusterArn: 'Cluster',
  group: 'Service',
};

/** What an unreadable payload still says: its region and the names of what it is about. */
export function cluesOf(payload: unknown): NonNullable<Rejected['clues']> {
  const names: Array<{ label: string; value: string }> = [];
  let region: string | undefined;
  const visit = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || depth > 4) return;
    for (const [key, item] of Object.entries(value)) {
      if (key === 'region' && typeof item === 'string' && /^[a-z]{2}(-[a-z]+)+-\d$/.test(item))
        region ??= item;
      const label = NAMING_KEYS[key];
      if (label && typeof item === 'string' && item.length > 0 && !names.some((n) => n.label === label)) {
        names.push({ label, value: item.slice(0, 200) });
      }
      visit(item, depth + 1);
    }
  };
  visit(payload, 0);
  return { region, names: names.slice(0, 4) };
}

/** A short readable label of what an unknown payload claims to be. */
function labelOf(payload: unknown): string {
  if (payload && typeof payload === 'object') {
    const p = payload as Record<string, unknown>;
    const kind = p['detail-type'] ?? p.detailType ?? p.eventName ?? p.Type;
    const source = p.source ?? p.eventSource;
    if (typeof kind === 'string' || typeof source === 'string') {
      return [source, kind].filter((x) => typeof x === 'string').join(' / ');
    }
    return `object with keys ${Object.keys(p).slice(0, 6).join(', ')}`;
  }
  return typeof payload;
}

type Issue = v.BaseIssue<unknown>;

/**
 * The issues worth telling: of a union, what its branches that got past the type of the value
 * said (the shapes that came close), else the union's own message (none of its types).
 */
function telling(
  issues: readonly Issue[],
  base: unknown[] = [],
): Array<{ path: unknown[]; message: string }> {
  return issues.flatMap((issue) => {
    const path = [...base, ...(issue.path ?? []).map((item) => item.key)];
    const closer = issue.type === 'union' ? (issue.issues ?? []).filter((inner) => inner.path) : [];
    if (closer.length > 0) return telling(closer, path);
    return [{ path, message: issue.message }];
  });
}

export function describeIssues(issues: readonly Issue[]): string {
  return telling(issues)
    .slice(0, 5)
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`,
    )
    .join('; ');
}

/**
 * Every string of a payload made well-formed once, here: a lone UTF-16 surrogate (`\uD83D` from
 * a JSON escape) becomes U+FFFD, so nothing downstream (encodeURIComponent in console links,
 * Slack's JSON) can throw on it.
 */
export function wellFormed(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.toWellFormed();
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => wellFormed(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key.toWellFormed(), wellFormed(item, depth + 1)]),
  );
}

/** Of a union of event shapes, the issues of the shape the payload came closest to (fewest issues). */
function closestIssues(
  schema: v.GenericSchema,
  payload: unknown,
  issues: readonly Issue[],
): readonly Issue[] {
  const { options } = schema as { options?: v.GenericSchema[] };
  if (schema.type !== 'union' || !options) return issues;
  const tried = options.map((option) => v.safeParse(option, payload).issues ?? []);
  return tried.filter((found) => found.length > 0).sort((a, b) => a.length - b.length)[0] ?? issues;
}

export function parseEvents<T>(input: unknown, schema: v.GenericSchema<unknown, T>): Parsed<T> {
  const { payloads, rejected } = unwrapSns(input);
  const events: T[] = [];
  for (const raw of payloads) {
    const payload = normalizeCodeStar(wellFormed(raw));
    const result = v.safeParse(schema, payload);
    if (result.success) events.push(result.output);
    else
      rejected.push({
        reason: describeIssues(closestIssues(schema, payload, result.issues)),
        label: labelOf(payload),
        clues: cluesOf(payload),
      });
  }
  return { events, rejected };
}
