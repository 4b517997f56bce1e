/**
 * `npm run redrive -- --stage <stage> [--dry-run] [--region <region>]`: once the cause of failed
 * deliveries is fixed, runs each event in the stage's failed-events queue through its function
 * again, with your AWS credentials (tools/redrive/redrive.ts). A message leaves the queue only when
 * its function succeeded; one line per message, then a summary; exit code 1 when any is kept.
 * `--dry-run` only lists what would run.
 */
import { parseArgs } from 'node:util';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientOptions, runAsCommand, SetupError } from './lib/aws';
import { redrive } from './redrive/redrive';

const USAGE = 'usage: npm run redrive -- --stage <stage> [--dry-run] [--region <region>]';

function readArgs(argv: string[]) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        stage: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        region: { type: 'string' },
      },
      strict: true,
    });
    const stage = values.stage;
    if (!stage || !/^[a-z0-9-]+$/.test(stage)) return undefined;
    return { stage, dryRun: values['dry-run'] === true, region: values.region };
  } catch {
    return undefined;
  }
}

/** Runs the redrive; the exit code (0 all redriven or a dry run, 1 something kept, 2 usage). */
export async function main(argv: string[], print: (line: string) => void = console.log): Promise<number> {
  const args = readArgs(argv);
  if (!args) {
    print(USAGE);
    return 2;
  }
  const options = clientOptions(args.region);
  // One attempt per invocation: a retried timeout could run the function twice.
  const lambda = new LambdaClient({
    ...options,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 120_000 },
  });
  try {
    const result = await redrive(
      { sqs: new SQSClient(options), lambda },
      { stage: args.stage, dryRun: args.dryRun, print },
    );
    return result.exitCode;
  } catch (error) {
    if (error instanceof SetupError) {
      print(`✗ ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) runAsCommand('redrive', main);
