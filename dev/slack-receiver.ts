/**
 * A real HTTP server on 127.0.0.1 standing in for Slack's incoming webhooks (tests, npm start, bench).
 * Each request takes the next scripted answer (then 200 "ok"); `hang` never answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlackMessage } from '../shared/slack/message';

export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
  at: number;
}

export interface SlackServer {
  url: string;
  /** A webhook-shaped URL on this server (fake ids, never a real hook). */
  webhookUrl: string;
  requests: ReceivedRequest[];
  /** The JSON bodies posted so far, as Slack messages. */
  messages(): SlackMessage[];
  script(...answers: Answer[]): void;
  /** Forgets requests and unused scripted answers, and ends any request left hanging. */
  reset(): void;
  close(): Promise<void>;
}

export async function startSlackServer(): Promise<SlackServer> {
  const answers: Answer[] = [];
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        at: Date.now(),
      });
      const answer = answers.shift() ?? { status: 200, body: 'ok' };
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
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
    requests,
    messages: () => requests.map((request) => request.json as SlackMessage),
    script: (...next) => {
      answers.push(...next);
    },
    reset: () => {
      requests.length = 0;
      answers.length = 0;
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
