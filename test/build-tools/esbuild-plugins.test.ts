import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLikeTheFunctions } from '../../testkit/bundle';
import { startSlackServer } from '../../testkit/slack-receiver';

// The plugin file is plain CommonJS so that serverless-esbuild can load it.
const plugins = require('../../build-tools/esbuild-plugins.js') as import('esbuild').Plugin[] & {
  slimSchemas(source: string): string;
};

/** A bundle of real SDK clients, built the way serverless.yml builds the functions. */
async function bundleClients(dir: string, withPlugins: boolean): Promise<string> {
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCommitCommand, CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
const config = (endpoint: string) => ({ endpoint, region: 'eu-west-1', maxAttempts: 1,
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
export const getParameter = (endpoint: string, Name: string) =>
  new SSMClient(config(endpoint)).send(new GetParameterCommand({ Name, WithDecryption: true }));
export const getCommit = (endpoint: string) =>
  new CodeCommitClient(config(endpoint)).send(new GetCommitCommand({ repositoryName: 'r', commitId: 'c' }));
export const getLogEvents = (endpoint: string) =>
  new CloudWatchLogsClient(config(endpoint)).send(new GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's' }));
`,
  );
  return bundleLikeTheFunctions(entry, join(dir, withPlugins ? 'slim.js' : 'plain.js'), {
    plugins: withPlugins ? plugins : [],
  });
}

/** Runs a script in a child Node process; the test's server keeps answering meanwhile. */
function runNode(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', script],
      { env: { PATH: process.env.PATH } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

let server: Server;
/** The User-Agent of each request the test's server received. */
const userAgents: string[] = [];
let endpoint: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      userAgents.push(String(req.headers['user-agent']));
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'AmazonSSM.GetParameter') {
        res.end(
          JSON.stringify({
            Parameter: { Name: '/p', Value: 'v', Type: 'SecureString', LastModifiedDate: 1795183661 },
          }),
        );
      } else if (target === 'Logs_20140328.GetLogEvents') {
        res.end(
          JSON.stringify({ events: [{ timestamp: 1795183661000, message: 'npm ERR! code ERESOLVE' }] }),
        );
      } else if (target === 'CodeCommit_20150413.GetCommit') {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'CommitIdDoesNotExistException', message: 'no such commit' }));
      } else {
        res.statusCode = 500;
        res.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'herald-plugins-'));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('slimSdkSchemas', () => {
  it('removes modeled error registrations and literalises computed keys, keeping the base exception', () => {
    const source = [
      'const _xN = "xmlName";',
      'const _s_registry = new TypeRegistry(_s);',
      '_s_registry.registerError(SSMServiceException$, SSMServiceException);',
      'export var ParameterNotFound$ = [-3, n0, _PNF, { [_e]: _c, [_xN]: `x` }, [_M], [0]];',
      'n0_registry.registerError(ParameterNotFound$, ParameterNotFound);',
      '',
    ].join('\n');

    expect(plugins.slimSchemas(source)).toBe(
      [
        'const _xN = "xmlName";',
        'const _s_registry = new TypeRegistry(_s);',
        '_s_registry.registerError(SSMServiceException$, SSMServiceException);',
        'export var ParameterNotFound$ = [-3, n0, _PNF, { [_e]: _c, "xmlName": `x` }, [_M], [0]];',
        '',
      ].join('\n'),
    );
  });

  it('makes the SDK clients much smaller', async () => {
    const plain = readFileSync(await bundleClients(dir, false)).length;
    const slim = readFileSync(await bundleClients(dir, true)).length;

    expect(slim).toBeLessThan(plain - 100 * 1024);
  });

  it('keeps answers parsed, dates included, and errors named as AWS named them', async () => {
    const bundle = await bundleClients(dir, true);
    // The bundle runs in its own Node process: Jest's VM cannot run the SDK's dynamic imports.
    const script = `
      const clients = require(${JSON.stringify(bundle)});
      (async () => {
        const answer = await clients.getParameter(${JSON.stringify(endpoint)}, '/p');
        const error = await clients.getCommit(${JSON.stringify(endpoint)}).catch((e) => e);
        console.log(JSON.stringify({
          value: answer.Parameter.Value,
          modified: answer.Parameter.LastModifiedDate.toISOString(),
          error: { name: error.name, message: error.message, status: error.$metadata.httpStatusCode },
        }));
      })();`;

    const output = await runNode(script);

    expect(JSON.parse(output)).toEqual({
      value: 'v',
      modified: '2026-11-20T14:07:41.000Z',
      error: { name: 'CommitIdDoesNotExistException', message: 'no such commit', status: 400 },
    });
  });
});

describe('noEventStreams and packageVersionOnly', () => {
  it('leave the event stream codec and the package.json files out, and the clients working', async () => {
    const bundle = await bundleClients(dir, true);
    const text = readFileSync(bundle, 'utf8');
    const ssmVersion = (require('@aws-sdk/client-ssm/package.json') as { version: string }).version;
    const ssmDescription = (require('@aws-sdk/client-ssm/package.json') as { description: string })
      .description;
    userAgents.length = 0;

    const output = await runNode(`
      const clients = require(${JSON.stringify(bundle)});
      clients.getLogEvents(${JSON.stringify(endpoint)}).then((answer) => console.log(answer.events[0].message))
        .then(() => clients.getParameter(${JSON.stringify(endpoint)}, '/p'));`);

    // An SDK that moves the event stream module, or loads package.json another way, fails here.
    expect(text).toContain('event streams are not in this bundle');
    expect(text).not.toContain('HeaderMarshaller');
    expect(text).not.toContain(ssmDescription);
    expect(output.trim()).toBe('npm ERR! code ERESOLVE');
    expect(userAgents.some((agent) => agent.includes(`api/ssm#${ssmVersion}`))).toBe(true);
  });

  it('make a streaming operation fail saying why', () => {
    const stub = require('../../build-tools/no-event-streams.js') as {
      resolveEventStreamSerdeConfig: (input: object) => { eventStreamMarshaller: { serialize(): void } };
    };
    const config = stub.resolveEventStreamSerdeConfig({});

    expect(() => config.eventStreamMarshaller.serialize()).toThrow('event streams are not in this bundle');
  });
});

describe('notInLambda', () => {
  it('replaces each file it names (an SDK or Slack client that moved one fails here), and the clients still work', async () => {
    const slack = await startSlackServer();
    try {
      const entry = join(dir, 'web-api.ts');
      writeFileSync(
        entry,
        `
import { WebClient } from '@slack/web-api';
import { IncomingWebhook, WebhookTrigger } from '@slack/webhook';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export const discovery = async () => {
  const config = new DynamoDBClient({ region: 'eu-west-1' }).config as unknown as {
    endpointDiscoveryEnabled(): Promise<unknown>;
    endpointCache: unknown;
  };
  let cache = 'made';
  try { void config.endpointCache; } catch (e) { cache = (e as Error).message; }
  return { enabled: await config.endpointDiscoveryEnabled(), cache };
};
export const post = (slackApiUrl: string) =>
  new WebClient('xoxb-test', { slackApiUrl, retryConfig: { retries: 0 } }).chat.postMessage({ channel: 'C1', text: 'hi' });
export const shape = () => {
  const c = new WebClient('xoxb-test') as unknown as Record<string, any>;
  return [typeof c.chat.postMessage, typeof c.chat.update, typeof c.chat.delete, typeof c.usergroups.users.list, typeof c.admin, typeof c.files];
};
export const upload = () =>
  new WebClient('xoxb-test').filesUploadV2({ channel_id: 'C1', content: 'x', filename: 'x.txt' });
export const hook = (url: string) => new IncomingWebhook(url).send({ text: 'hi' });
export const trigger = () => new WebhookTrigger('https://example.invalid/trigger');
export const endpoints = () => {
  const { endpointProvider } = new SSMClient({ region: 'eu-west-1' }).config as unknown as {
    endpointProvider(params: Record<string, unknown>): { url: URL };
  };
  return [false, true].map((UseFIPS) =>
    endpointProvider({ Region: 'eu-west-1', UseFIPS, UseDualStack: false }).url.href,
  );
};
export const getParameter = (endpoint: string) =>
  new SSMClient({ endpoint, region: 'eu-west-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } })
    .send(new GetParameterCommand({ Name: '/p' }));
`,
      );
      const bundle = await bundleLikeTheFunctions(entry, join(dir, 'web-api.js'));
      const text = readFileSync(bundle, 'utf8');

      for (const what of [
        'Slack file upload (filesUploadV2)',
        'Slack message streaming (chatStream)',
        'SHA-256 without node:crypto',
        'the adaptive retry mode',
        'Slack workflow triggers (WebhookTrigger)',
        'S3 endpoint rules',
        'DynamoDB endpoint discovery',
      ])
        expect(text).toContain(what);
      expect(text).not.toContain('negativeCacheUntil');
      // @slack/types' run-time part (the message metadata enums) stays out, as do region names.
      expect(text).not.toContain('slack#/entities/task');
      expect(text).toContain('eu-west-1');
      expect(text).not.toContain('Europe (Ireland)');

      const output = await runNode(`
        const b = require(${JSON.stringify(bundle)});
        (async () => {
          const posted = await b.post(${JSON.stringify(slack.apiUrl)});
          const parameter = await b.getParameter(${JSON.stringify(endpoint)});
          const upload = await b.upload().then(() => 'uploaded', (e) => e.message);
          const hooked = await b.hook(${JSON.stringify(slack.webhookUrl)});
          let trigger = 'made';
          try { b.trigger(); } catch (e) { trigger = e.message; }
          const discovery = await b.discovery();
          console.log(JSON.stringify({ ok: posted.ok, value: parameter.Parameter.Value, upload, hooked: hooked.text, trigger, shape: b.shape(), endpoints: b.endpoints(), discovery }));
        })();`);

      expect(JSON.parse(output)).toEqual({
        ok: true,
        value: 'v',
        upload: 'Slack file upload (filesUploadV2) is not in this bundle (build-tools/not-in-lambda.js)',
        hooked: 'ok',
        // The partition table without its region names still gives the region's endpoints.
        endpoints: ['https://ssm.eu-west-1.amazonaws.com/', 'https://ssm-fips.eu-west-1.amazonaws.com/'],
        trigger:
          'Slack workflow triggers (WebhookTrigger) is not in this bundle (build-tools/not-in-lambda.js)',
        // The methods Herald calls (the manifest's scopes) are there; the namespaces it never calls are not.
        shape: ['function', 'function', 'function', 'function', 'undefined', 'undefined'],
        // DynamoDB's endpoint discovery, which no command uses: off, and its cache says it is not here.
        discovery: {
          enabled: undefined,
          cache: 'DynamoDB endpoint discovery is not in this bundle (build-tools/not-in-lambda.js)',
        },
      });
      expect(slack.requests.map((r) => r.path)).toEqual([
        '/api/chat.postMessage',
        new URL(slack.webhookUrl).pathname,
      ]);
    } finally {
      await slack.close();
    }
  });
});

describe('slackMethodsUsed', () => {
  const { keepSlackNamespaces } = plugins as unknown as {
    keepSlackNamespaces(source: string, keep?: string[]): string;
  };
  const namespace = (name: string) =>
    `    ${name} = {\n        run: bindApiCall(this, '${name}.run'),\n    };`;
  const source = (names: string[]) => ['class Methods {', ...names.map(namespace), '}'].join('\n');
  const ten = ['admin', 'apps', 'auth', 'bots', 'calls', 'chat', 'files', 'pins', 'team', 'usergroups'];

  it('keeps the namespaces Herald calls and drops the others', () => {
    const kept = keepSlackNamespaces(source(ten));

    expect(kept).toContain("'chat.run'");
    expect(kept).toContain("'usergroups.run'");
    expect(kept).not.toContain("'admin.run'");
  });

  it('fails the build when methods.js changed shape or lost a namespace Herald calls', () => {
    expect(() => keepSlackNamespaces(source(ten.filter((n) => n !== 'usergroups')))).toThrow(
      'namespaces missing: usergroups',
    );
    expect(() => keepSlackNamespaces(source(ten).replaceAll('    ', '  '))).toThrow('changed shape');
  });
});
