import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postJson } from '../../../shared/slack/http-post';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/drip') {
      // Headers at once, then a byte now and then: an idle timeout would never fire.
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      res.writeHead(201, { 'x-seen': String(Buffer.byteLength(body)) });
      res.end('created');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('postJson', () => {
  it('posts the body and returns status, headers and text', async () => {
    const answer = await postJson(`${url}/ok`, '{"text":"héllo"}', 2000);

    expect(answer).toMatchObject({
      status: 201,
      body: 'created',
      headers: expect.objectContaining({ 'x-seen': '17' }),
    });
  });

  it('gives up on a slow drip at its deadline, not just when the line goes idle', async () => {
    const started = Date.now();

    await expect(postJson(`${url}/drip`, '{}', 700)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('fails on a refused connection', async () => {
    await expect(postJson('http://127.0.0.1:1/nothing', '{}', 1000)).rejects.toThrow(/ECONNREFUSED/);
  });
});
