/**
 * A real HTTP server on 127.0.0.1 standing in for Slack (tests, npm start, bench): its incoming
 * webhooks (any path; JSON bodies) and its Web API (`/api/<method>`; form bodies, answered
 * `{"ok":true,"channel":…,"ts":…}` with a new ts per message). Each request takes the next scripted
 * answer (then the default); `hang` never answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlackMessage } from '../shared/slack/message';
import { now } from './clock';

export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The JSON body, or for Web API calls the form fields with `blocks` decoded. */
  json: unknown;
  at: number;
  /** Whether the answer was a success (2xx, and `ok: true` from the Web API); false for a hang. */
  accepted: boolean;
  /** What the server answered (a Web API answer holds the message's `ts`). */
  answer?: string;
}

/** A Web API form body: fields as strings, JSON-encoded ones (blocks) decoded. */
function formFields(body: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (value.startsWith('[') || value.startsWith('{')) {
      try {
        fields[name] = JSON.parse(value);
        continue;
      } catch {
        // not JSON after all: kept as text
      }
    }
    fields[name] = value;
  }
  return fields;
}

export interface SlackServer {
  url: string;
  /** A webhook-shaped URL on this server (fake ids, never a real hook). */
  webhookUrl: string;
  /** Base URL of the Web API stand-in, for `SLACK_API_URL`. */
  apiUrl: string;
  requests: ReceivedRequest[];
  /** The JSON bodies posted so far, as Slack messages. */
  messages(): SlackMessage[];
  script(...answers: Answer[]): void;
  /**
   * Slack's rate limits, per Web API method: at most `perMinute` accepted calls in any 60 s; past
   * it, HTTP 429 `ratelimited` with a `Retry-After` (what Slack does: chat.update is Tier 3, about
   * 50 a minute). Undefined: no limit.
   */
  limit(method: string, perMinute: number | undefined): void;
  /** Forgets requests and unused scripted answers, and ends any request left hanging. */
  reset(): void;
  close(): Promise<void>;
}

export async function startSlackServer(): Promise<SlackServer> {
  const answers: Answer[] = [];
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const limits = new Map<string, number>();
  const accepted = new Map<string, number[]>();
  let ts = 1_795_000_000;
  /** The 429 of a method past its limit, or nothing. */
  const limited = (method: string): Answer | undefined => {
    const perMinute = limits.get(method);
    if (perMinute === undefined) return undefined;
    const now = Date.now();
    const recent = (accepted.get(method) ?? []).filter((at) => at > now - 60_000);
    accepted.set(method, recent);
    if (recent.length < perMinute) {
      recent.push(now);
      return undefined;
    }
    const retryAfter = Math.max(1, Math.ceil(((recent[0] ?? now) + 60_000 - now) / 1000));
    return {
      status: 429,
      body: JSON.stringify({ ok: false, error: 'ratelimited' }),
      headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfter) },
    };
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const api = (req.url ?? '').startsWith('/api/');
      let json: unknown;
      try {
        json = api ? formFields(body) : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        at: now(),
        accepted: false,
      };
      requests.push(request);
      const fields = (json ?? {}) as Record<string, unknown>;
      if (api && fields.ts === undefined) ts += 1;
      const method = api ? ((req.url ?? '').slice('/api/'.length).split('?')[0] ?? '') : '';
      const answer = answers.shift() ??
        (api ? limited(method) : undefined) ?? {
          status: 200,
          body: api
            ? JSON.stringify({
                ok: true,
                channel: fields.channel,
                ts: String(fields.ts ?? `${ts}.000100`),
              })
            : 'ok',
          headers: api ? { 'content-type': 'application/json; charset=utf-8' } : undefined,
        };
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      request.answer = answer.body;
      request.accepted =
        answer.status >= 200 && answer.status < 300 && !(api && answer.body?.includes('"ok":false'));
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? (answer.status === 200 ? 'ok' : ''));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    webhookUrl: `${url}/services/TLOCAL000/BLOCAL000/localtestwebhooktoken`,
    apiUrl: `${url}/api/`,
    requests,
    messages: () => requests.map((request) => request.json as SlackMessage),
    script: (...next) => {
      answers.push(...next);
    },
    limit: (method, perMinute) => {
      if (perMinute === undefined) limits.delete(method);
      else limits.set(method, perMinute);
      accepted.delete(method);
    },
    reset: () => {
      requests.length = 0;
      answers.length = 0;
      limits.clear();
      accepted.clear();
      for (const res of hanging) res.destroy();
      hanging.clear();
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
