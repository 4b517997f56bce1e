/**
 * The bench's network as Lambda sees it: HTTPS only (a throwaway CA, trusted by the measured
 * processes through NODE_EXTRA_CA_CERTS, so the SDK and Slack's clients load `node:https` exactly
 * as on Lambda), and a round-trip time per service injected by a TLS proxy in front of each local
 * stand-in. A request waits one round trip; a new connection two more (TCP, then TLS 1.3).
 * DNS is not modelled. The defaults are assumptions about Lambda in a region, service time
 * included, and are printed with every run:
 * - AWS APIs (SSM, CodeBuild, CodePipeline, …): 20 ms;
 * - DynamoDB: 8 ms (single-digit milliseconds in the same region);
 * - Slack (webhooks, Web API): 100 ms.
 * `BENCH_LATENCY="aws=20,dynamodb=8,slack=100"` changes them; `BENCH_LATENCY=0` turns them off.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';

export type Service = 'aws' | 'dynamodb' | 'slack';

export const DEFAULT_LATENCY: Record<Service, number> = { aws: 20, dynamodb: 8, slack: 100 };

/** The round trips of BENCH_LATENCY (defaults for the services it does not name). */
export function latencyOf(setting: string | undefined): Record<Service, number> {
  if (setting === undefined || setting === '') return { ...DEFAULT_LATENCY };
  if (setting.trim() === '0') return { aws: 0, dynamodb: 0, slack: 0 };
  const latency = { ...DEFAULT_LATENCY };
  for (const part of setting.split(',')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (!(name && name in latency) || !value || !/^\d+(\.\d+)?$/.test(value))
      throw new Error(`BENCH_LATENCY: "${part}" is not <aws|dynamodb|slack>=<milliseconds>`);
    latency[name as Service] = Number(value);
  }
  return latency;
}

export interface Certificates {
  /** The CA's certificate, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  key: Buffer;
  cert: Buffer;
}

/** A CA and a certificate for 127.0.0.1 signed by it, made once into `dir` with openssl. */
export function throwawayCertificates(dir: string): Certificates {
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  if (!existsSync(file('server.pem'))) {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '30',
      '-subj',
      '/CN=Herald bench CA',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
    );
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
    );
    writeFileSync(file('san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      file('san.cnf'),
      '-out',
      file('server.pem'),
    );
  }
  return {
    caFile: file('ca.pem'),
    key: readFileSync(file('server.key')),
    cert: readFileSync(file('server.pem')),
  };
}

export interface LatencyProxy {
  /** `https://127.0.0.1:<port>` */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/**
 * HTTPS in front of a local HTTP server: TLS ends here, and every chunk the client sends waits
 * `rtt()` ms before it goes on (the first of a connection three round trips: TCP, TLS, request),
 * and never overtakes an earlier one.
 */
export async function startLatencyProxy(
  target: string,
  rtt: () => number,
  certificates: Certificates,
): Promise<LatencyProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer({ key: certificates.key, cert: certificates.cert }, (client: TLSSocket) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client);
    sockets.add(upstream);
    // Each chunk goes on at its time, never before an earlier chunk of the connection.
    let first = true;
    let last = 0;
    client.on('data', (chunk: Buffer) => {
      const at = Math.max(performance.now() + rtt() * (first ? 3 : 1), last);
      first = false;
      last = at;
      const wait = at - performance.now();
      if (wait <= 0) upstream.write(chunk);
      else setTimeout(() => upstream.write(chunk), wait);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    client.on('error', end);
    upstream.on('close', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${own}`,
    port: own,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
