/**
 * `npm start`: the preview server, restarted by `tsx watch` when a source file changes (so an
 * edited formatter shows on the next reload). With `--send <webhook URL>` (or SLACK_WEBHOOK_URL)
 * the sample messages go to that real Slack channel instead, once, and it exits.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sendTarget } from './samples';

const argv = process.argv.slice(2);
const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
const args = sendTarget(argv)
  ? [join(__dirname, 'preview.ts'), ...argv]
  : ['watch', '--clear-screen=false', join(__dirname, 'preview.ts'), ...argv];
const child = spawn(tsx, args, { stdio: 'inherit' });
child.on('exit', (code) => {
  process.exitCode = code ?? 0;
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
