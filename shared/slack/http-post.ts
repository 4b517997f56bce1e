/**
 * A JSON POST over node:http(s). Not `fetch`: the AWS SDK has already loaded node:https, while
 * the first `fetch` loads undici and compiles its WebAssembly parser, about 10 ms of every cold
 * start (measured with `npm run bench`).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type PostJson = (url: string, body: string, timeoutMs: number) => Promise<HttpAnswer>;

export class RequestTimeoutError extends Error {
  override name = 'TimeoutError';
}

export const postJson: PostJson = (url, body, timeoutMs) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'http:' ? httpRequest : httpsRequest;
    const req = send(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          // Slack answers with a short code; never hold more than a few KB of an answer.
          if (chunks.length < 8) chunks.push(chunk);
        });
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    // One deadline for the whole exchange, not an idle timeout: a slow drip must not outlive it.
    const timer = setTimeout(() => {
      req.destroy(new RequestTimeoutError(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(body);
  });
