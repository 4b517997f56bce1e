/**
 * `npm run samples`: every sample event through its real handler, the messages printed as Slack
 * would get them; exits non-zero if a handler fails or a message breaks Slack's limits (CI runs
 * it). `npm run samples -- --send <webhook URL>` (or SLACK_WEBHOOK_URL) posts them to a channel.
 */
import type { SlackMessage } from '../shared/slack/message';
import { onlySample, runAllSamples, type SampleResult, sendTarget, startLocalRig } from '../testkit/samples';

function printMessage(message: SlackMessage): void {
  for (const block of message.blocks) {
    switch (block.type) {
      case 'header':
        console.log(`  ┃ ${block.text.text}`);
        break;
      case 'section':
        if (block.text) for (const line of block.text.text.split('\n')) console.log(`  │ ${line}`);
        for (const field of block.fields ?? []) console.log(`  │ ${field.text.replace('\n', ' ')}`);
        break;
      case 'actions':
        console.log(
          `  │ ${block.elements.map((e) => (e.type === 'button' ? `[${e.text.text}]` : `[${e.type}]`)).join(' ')}`,
        );
        break;
      case 'context':
        console.log(`  │ ${block.elements.map((e) => ('text' in e ? e.text : '')).join(' ')}`);
        break;
      default:
        console.log(`  │ (${block.type})`);
    }
  }
}

function printResult(result: SampleResult): void {
  console.log(`\n■ ${result.sample.file}`);
  if (result.error) console.log(`  ✗ the handler failed: ${result.error}`);
  if (result.messages.length === 0 && !result.error) {
    console.log(`  (no message: ${result.silentReason ?? 'nothing was posted'})`);
  }
  result.messages.forEach((message, i) => {
    printMessage(message);
    const problems = result.problems[i] ?? [];
    console.log(
      problems.length === 0 ? '  ✓ within Slack limits' : `  ✗ breaks Slack limits: ${problems.join('; ')}`,
    );
  });
  for (const warning of result.warnings) console.log(`  ! ${warning}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const sendTo = sendTarget(argv);
  const only = onlySample(argv);
  const rig = await startLocalRig({ sendTo });
  try {
    console.log(
      `Herald local run (stage ${process.env.HERALD_STAGE}): Slack receiver ${rig.slack.url}, AWS stand-in ${rig.aws.url}`,
    );
    if (sendTo) console.log('Posting to the given webhook (a real Slack channel).');
    const results = await runAllSamples(rig, only);
    results.forEach(printResult);
    const posted = results.reduce((n, r) => n + r.messages.length, 0);
    const failed = results.filter((r) => r.error || r.problems.some((p) => p.length > 0));
    console.log(`\n${results.length} sample events, ${posted} messages, ${failed.length} with problems.`);
    process.exitCode = failed.length > 0 ? 1 : 0;
  } finally {
    await rig.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
