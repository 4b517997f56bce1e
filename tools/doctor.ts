/**
 * `npm run doctor -- --stage <stage> [--post] [--region <region>]`: checks, with your AWS
 * credentials (the SDK's default chain), that a deployed Herald can work: its secrets in SSM, its
 * Slack webhooks or app, its EventBridge rules, its failed-events queue (tools/doctor/checks.ts).
 * One line per finding, each problem with its fix, then a summary; exit code 1 when anything is
 * wrong. `--post` sends one test message to each channel. No secret is ever printed.
 */
import { parseArgs } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { loadRouting } from '../shared/routing/load';
import type { RoutingConfig } from '../shared/routing/schema';
import {
  exitCodeOf,
  findingLine,
  packagedRuleNames,
  runChecks,
  slackClient,
  summaryLine,
} from './doctor/checks';
import { clientOptions, runAsCommand, SetupError, stopOnSetup } from './lib/aws';

const USAGE = 'usage: npm run doctor -- --stage <stage> [--post] [--region <region>]';

function readArgs(argv: string[]) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        stage: { type: 'string' },
        post: { type: 'boolean', default: false },
        region: { type: 'string' },
      },
      strict: true,
    });
    return values.stage
      ? { stage: values.stage, post: values.post === true, region: values.region }
      : undefined;
  } catch {
    return undefined;
  }
}

export interface Io {
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
  /** Where build/sls/<stage> is looked for (the repository; tests use another). */
  root?: string;
}

/** Runs the doctor; the exit code (0 fine, 1 something is wrong, 2 usage). */
export async function main(argv: string[], io: Io = {}): Promise<number> {
  const { env = process.env, print = console.log, root } = io;
  const args = readArgs(argv);
  if (!args) {
    print(USAGE);
    return 2;
  }
  let routing: RoutingConfig;
  try {
    routing = loadRouting(args.stage);
  } catch (error) {
    print(`✗ ${(error as Error).message}`);
    return 1;
  }
  const options = clientOptions(args.region);
  const ssm = new SSMClient(options);
  try {
    const region = await ssm.config.region().catch((error: unknown) => {
      stopOnSetup(error);
      throw error;
    });
    print(
      `Herald doctor: stage ${args.stage}, region ${region}${args.post ? ', posting test messages' : ''}`,
    );
    const findings = await runChecks(
      {
        ssm,
        events: new EventBridgeClient(options),
        sqs: new SQSClient(options),
        slack: (token) => slackClient(token, env.SLACK_API_URL),
      },
      { stage: args.stage, routing, post: args.post, expectedRules: packagedRuleNames(args.stage, root) },
    );
    for (const finding of findings) print(findingLine(finding));
    print(summaryLine(findings, args.stage));
    return exitCodeOf(findings);
  } catch (error) {
    if (error instanceof SetupError) {
      print(`✗ ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) runAsCommand('doctor', main);
