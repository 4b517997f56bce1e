/**
 * `npm run init -- --stage qa`: a starting routing file for a new Herald stage,
 * config/routing/qa.json: one channel (its webhook URL in SSM at /herald/qa/slack/releases, the
 * stage's default path), the shipped mutes and environments, approvals with nobody listed yet.
 * It names no parameter of another stage (the stage's own are the defaults), never overwrites a
 * file, and says what to create in SSM next.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const { checkRoutingFile } = require('../build-tools/check-routing.js') as {
  checkRoutingFile: (stage: string, root?: string) => string[];
};

/** The starting routing file of a stage. */
export function startingRouting(): Record<string, unknown> {
  return {
    channels: { releases: {} },
    routes: [{ channels: ['releases'] }],
    mute: [
      'codebuild:build.started',
      'codebuild:phase.*',
      'codepipeline:stage.*',
      'codepipeline:action.started',
      'codepipeline:action.succeeded',
      'codepipeline:approval.waiting',
      'codedeploy:instance.*',
      'ecs:task.spot-termination-notice',
      'codecommit:comment.*',
      'codecommit:merge-commit.*',
    ],
    environments: { stage: ['*-stage'], prod: ['*-prod'] },
    approvals: {
      rules: [{ stages: ['Approval*'], environment: 'prod', approvers: [], noSelfApproval: true }],
    },
  };
}

/** Writes the file; what was done (or why not), line by line, and whether it worked. */
export function init(
  stage: string | undefined,
  root = join(__dirname, '..'),
): { ok: boolean; lines: string[] } {
  if (!stage || !/^[a-z0-9-]+$/.test(stage))
    return {
      ok: false,
      lines: ['npm run init -- --stage <name>: a stage name is lower-case letters, digits and "-"'],
    };
  const file = join(root, 'config', 'routing', `${stage}.json`);
  if (existsSync(file))
    return {
      ok: false,
      lines: [`config/routing/${stage}.json exists already: edit it (nothing was written)`],
    };
  writeFileSync(file, `${JSON.stringify(startingRouting(), null, 2)}\n`);
  const problems = checkRoutingFile(stage, root);
  if (problems.length > 0) return { ok: false, lines: problems };
  return {
    ok: true,
    lines: [
      `Wrote config/routing/${stage}.json (one channel, "releases"; approvals with nobody listed yet).`,
      'Next:',
      `  aws ssm put-parameter --type SecureString --name /herald/${stage}/slack/releases --value 'https://hooks.slack.com/services/…'`,
      `  npx sls deploy --stage ${stage} --param="createPipeline=false"   (Herald alone; with its pipeline: README, "Deploy")`,
      `  npm run doctor -- --stage ${stage} --post`,
      `Before listing approvers: aws ssm put-parameter --type SecureString --name /herald/${stage}/slack/signing-secret --value '…'`,
    ],
  };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--stage');
  const { ok, lines } = init(at >= 0 ? argv[at + 1] : undefined);
  for (const line of lines) (ok ? console.log : console.error)(line);
  process.exitCode = ok ? 0 : 1;
}
