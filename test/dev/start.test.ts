/**
 * `npm start` as a person runs it: a misused `--send` or `--only` answers in one line; a
 * SLACK_WEBHOOK_URL in the shell does not turn the preview into a sender; a broken routing file is
 * shown on the page and in the terminal; a busy 4400 is said, with the port taken instead (kept
 * across restarts: it is chosen once, before `tsx watch`); and stopping `npm start` stops the
 * server behind it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(TSX, [join(ROOT, 'dev', 'start.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, HERALD_STAGE: 'local', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return { child, output: () => output };
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', resolve));

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('npm start', () => {
  it('answers a misused --send in one line, without a stack trace', async () => {
    const { child, output } = run(['--send', 'not-a-url']);

    expect(await exited(child)).toBe(2);
    expect(output().trim()).toBe(
      'npm start: --send needs an https webhook URL (after it, or in SLACK_WEBHOOK_URL) (npm start -- --send https://hooks.slack.com/services/… --only codebuild/failed)',
    );
  }, 30_000);

  it('says when its port is busy, takes another, and stops its server when it is stopped', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const busy = typeof address === 'object' && address ? address.port : 0;
    const { child, output } = run([], { PORT: String(busy) });
    try {
      expect(await until(() => /Herald preview: http:\/\/127\.0\.0\.1:\d+\//.test(output()), 60_000)).toBe(
        true,
      );
      const taken = Number(/Port \d+ is busy; the preview uses (\d+)/.exec(output())?.[1]);
      expect(taken).toBeGreaterThan(0);
      expect(output()).toContain(`Herald preview: http://127.0.0.1:${taken}/`);

      child.kill('SIGTERM');
      await exited(child);

      // The preview behind tsx watch lets go of its port within moments.
      let closed = false;
      for (let i = 0; i < 50 && !closed; i++) {
        closed = !(await reachable(taken));
        if (!closed) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(closed).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  }, 90_000);

  it('answers an unknown --only in one line, naming where the samples are', async () => {
    const { child, output } = run([
      '--send',
      'https://hooks.slack.com/services/T0/B0/x',
      '--only',
      'codebuild/nope',
    ]);

    expect(await exited(child)).toBe(2);
    expect(output()).toContain(
      'npm start: --only: no sample events/codebuild/nope.json (npm run samples lists them)',
    );
  }, 30_000);

  it('serves the preview, and posts nothing, with SLACK_WEBHOOK_URL exported in the shell', async () => {
    const { child, output } = run(['--port', '0'], {
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
      PORT: '0',
    });
    try {
      expect(await until(() => /Herald preview: http:\/\/127\.0\.0\.1:\d+\//.test(output()), 60_000)).toBe(
        true,
      );
      expect(output()).toContain(
        'SLACK_WEBHOOK_URL is set: the preview does not post to it (npm start -- --send does).',
      );
      expect(output()).not.toContain('went to the given webhook');
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  }, 90_000);

  it('shows a routing file that does not load on the page and in the terminal, not a stack trace', async () => {
    const { child, output } = run([], { HERALD_STAGE: 'no-such-stage', PORT: '0' });
    try {
      expect(await until(() => /Herald preview: (http:\/\/127\.0\.0\.1:\d+\/)/.test(output()), 60_000)).toBe(
        true,
      );
      const url = /Herald preview: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output())?.[1] ?? '';
      const page = await fetch(url).then(async (r) => ({ status: r.status, text: await r.text() }));

      expect(page.status).toBe(200);
      expect(page.text).toContain('The routing file is broken');
      expect(page.text).toContain('No routing config for stage &quot;no-such-stage&quot;');
      // The terminal line is written before the page is sent, but its pipe may be read after.
      await until(() => output().includes('The routing file is broken:'), 5_000);
      expect(output()).toContain('The routing file is broken:');
      expect(page.text).not.toMatch(/at \S+ \(/);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  }, 90_000);
});
