/**
 * The `fetch` handed to Slack's clients (`@slack/webhook`, `@slack/web-api`): the part of WHATWG
 * fetch they use, over node:http(s). Not the global `fetch`: the AWS SDK has already loaded
 * node:https, while the first global `fetch` loads undici and compiles its WebAssembly parser,
 * about 10 ms of every cold start (`npm run bench`). The request's `signal` ends the whole
 * exchange, not just an idle line, so a slow drip cannot outlive its deadline.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What both clients pass to their `fetch`. */
export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  redirect?: 'error' | 'follow' | 'manual';
  signal?: AbortSignal;
}

interface FetchAnswer {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null; entries(): IterableIterator<[string, string]> };
  arrayBuffer(): Promise<ArrayBuffer>;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

/** Slack answers with a short code or a small JSON object; never hold more than this of an answer. */
const MAX_ANSWER_BYTES = 256 * 1024;

class RequestTimeoutError extends Error {
  override name = 'TimeoutError';
}

function headersOf(res: IncomingMessage): FetchAnswer['headers'] {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) map.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
  }
  return { get: (name) => map.get(name.toLowerCase()) ?? null, entries: () => map.entries() };
}

export function nodeFetch(url: string | URL, init: FetchInit = {}): Promise<FetchAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (typeof init.body !== 'string' && init.body !== undefined) {
      reject(new TypeError('Herald sends text bodies only'));
      return;
    }
    const body = init.body ?? '';
    const send = target.protocol === 'http:' ? httpRequest : httpsRequest;
    const { signal } = init;
    if (signal?.aborted) {
      reject(new RequestTimeoutError('aborted before it was sent'));
      return;
    }
    const req = send(
      target,
      {
        method: init.method ?? 'GET',
        headers: { ...init.headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let ended = false;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        res.on('end', () => {
          ended = true;
          const bytes = Buffer.concat(chunks);
          const text = async () => bytes.toString('utf8');
          const status = res.statusCode ?? 0;
          resolve({
            ok: status >= 200 && status < 300,
            status,
            statusText: res.statusMessage ?? '',
            url: target.toString(),
            headers: headersOf(res),
            text,
            json: async () => JSON.parse(await text()),
            arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
          });
        });
        res.on('error', reject);
        // Cut off mid-answer (the deadline, or the peer): no answer, never half of one.
        res.on('close', () => {
          if (!ended) reject(new RequestTimeoutError('the answer was cut off before its end'));
        });
      },
    );
    // One deadline for the whole exchange (the caller's AbortSignal.timeout), not an idle timeout.
    const abort = () => req.destroy(new RequestTimeoutError('no answer before the deadline'));
    signal?.addEventListener('abort', abort, { once: true });
    req.on('close', () => signal?.removeEventListener('abort', abort));
    req.on('error', reject);
    req.end(body);
  });
}
