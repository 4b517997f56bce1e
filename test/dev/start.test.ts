/**
 * `npm start` as a person runs it: a misused `--send` answers in one line; a busy 4400 is said,
 * with the port taken instead (kept across restarts: it is chosen once, before `tsx watch`); and
 * stopping `npm start` stops the server behind it.
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
      'npm start: --send needs an https webhook URL (npm start -- --send https://hooks.slack.com/services/…)',
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
});
