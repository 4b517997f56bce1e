/**
 * A local stand-in for the AWS APIs Herald reads, for `npm start` and the benchmark. The real SDK
 * talks to it over HTTP once `AWS_ENDPOINT_URL` points here. It answers the JSON-protocol
 * operations (`X-Amz-Target`) from responses recorded next to the sample events
 * (`events/<source>/<name>.aws.json`), and SSM GetParameter with the local Slack receiver's URL.
 * A recorded answer may depend on one request field:
 * `{ "$byRequest": "commitId", "answers": { "<commit id>": { …response… } } }`; a batch read answers
 * each id it asks: `{ "$batch": "commitIds", "$result": "commits", "answers": { "<id>": { … } } }`.
 * Herald's state table is not here: it is dynalite (state-table.ts), via `AWS_ENDPOINT_URL_DYNAMODB`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from './clock';

export type RecordedResponses = Record<string, unknown>;

export interface Exchange {
  target: string;
  request: string;
  response: string;
  start: number;
  end: number;
}

export interface AwsStandIn {
  url: string;
  /** Answers for the sample being run; operations not listed answer AccessDeniedException. */
  use(responses: RecordedResponses): void;
  /** Operations asked for since the last `use`, e.g. `CodeBuild_20161006.BatchGetBuilds`. */
  calls: string[];
  /** The same calls with what was asked and answered, and when (epoch ms): which read needed which. */
  exchanges: Exchange[];
  /** Every answer sent `ms` after it is ready, as a round trip to AWS would be (0, the default). */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export async function startAwsStandIn(options: { webhookUrl: string }): Promise<AwsStandIn> {
  let responses: RecordedResponses = {};
  const calls: string[] = [];
  const exchanges: Exchange[] = [];
  let latency = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const start = now();
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      calls.push(target || `${req.method} ${req.url}`);
      const reply = (status: number, body: unknown) => {
        const response = JSON.stringify(body);
        const answer = () => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(response);
          const request = Buffer.concat(chunks).toString('utf8');
          exchanges.push({
            target: target || `${req.method} ${req.url}`,
            request,
            response,
            start,
            end: now(),
          });
        };
        if (latency > 0) setTimeout(answer, latency);
        else answer();
      };
      if (target === 'AmazonSSM.GetParameter') {
        const { Name } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { Name?: string };
        reply(200, { Parameter: { Name, Type: 'SecureString', Value: options.webhookUrl, Version: 1 } });
        return;
      }
      if (target in responses) {
        const recorded = responses[target] as {
          $byRequest?: string;
          $batch?: string;
          $result?: string;
          answers?: Record<string, unknown>;
        };
        // A batch read (BatchGetCommits): the recorded answer of each id asked, under `$result`.
        if (recorded.$batch && recorded.$result && recorded.answers) {
          const request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<
            string,
            unknown
          >;
          const ids = (request[recorded.$batch] as string[] | undefined) ?? [];
          const answers = recorded.answers;
          reply(200, {
            [recorded.$result]: ids.filter((id) => id in answers).map((id) => answers[id]),
            errors: ids
              .filter((id) => !(id in answers))
              .map((id) => ({ commitId: id, errorCode: 'CommitIdDoesNotExistException' })),
          });
          return;
        }
        if (recorded.$byRequest && recorded.answers) {
          const request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<
            string,
            unknown
          >;
          const answer = recorded.answers[String(request[recorded.$byRequest])];
          if (answer) reply(200, answer);
          else
            reply(400, {
              __type: 'ResourceNotFoundException',
              message: `No recorded answer for that ${recorded.$byRequest}`,
            });
          return;
        }
        reply(200, recorded);
        return;
      }
      reply(400, {
        __type: 'AccessDeniedException',
        message: `The local AWS stand-in has no recorded answer for ${target || req.url}`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    exchanges,
    setLatency: (ms) => {
      latency = ms;
    },
    use: (next) => {
      responses = next;
      calls.length = 0;
      exchanges.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
