/**
 * `npm start`: the preview server, restarted by `tsx watch` when a source or a routing file
 * changes (so an edited formatter or route shows on the next reload). The port is chosen once,
 * here (4400, or a free one when 4400 is busy, said so), and every restart keeps it, so an open tab
 * keeps working. Only with `--send [<webhook URL>]` (else SLACK_WEBHOOK_URL) do the sample messages
 * go to a real Slack channel, once (`--only codebuild/failed`: one of them), and it exits.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { onlySample, sendTarget } from '../testkit/samples';

const PREFERRED = Number(process.env.PORT ?? 4400);

/** The preferred port when it is free, else one the system gives. */
function freePort(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => {
      const any = createServer();
      any.listen(0, '127.0.0.1', () => {
        const address = any.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        any.close(() => resolve(port));
      });
    });
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => resolve(preferred)));
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let send: string | undefined;
  try {
    send = sendTarget(argv);
    onlySample(argv);
  } catch (error) {
    console.error(
      `npm start: ${error instanceof Error ? error.message : String(error)} (npm start -- --send https://hooks.slack.com/services/… --only codebuild/failed)`,
    );
    process.exitCode = 2;
    return;
  }
  if (!send && process.env.SLACK_WEBHOOK_URL)
    console.log('SLACK_WEBHOOK_URL is set: the preview does not post to it (npm start -- --send does).');
  const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  let args: string[];
  if (send) {
    args = [join(__dirname, 'preview.ts'), ...argv];
  } else {
    const port = await freePort(PREFERRED);
    if (port !== PREFERRED)
      console.log(`Port ${PREFERRED} is busy; the preview uses ${port} (and keeps it across restarts).`);
    // A routing file is read at run time: an edit restarts the preview too.
    const routing = join(__dirname, '..', 'config', 'routing', '*.json');
    args = [
      'watch',
      '--clear-screen=false',
      '--include',
      routing,
      join(__dirname, 'preview.ts'),
      ...argv,
      '--port',
      String(port),
    ];
  }
  const child = spawn(tsx, args, { stdio: 'inherit' });
  child.on('exit', (code) => {
    process.exitCode = code ?? 0;
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
