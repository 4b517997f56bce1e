import { packagedFiles, packagedTemplate, STAGES } from '../helpers/packaged';
import { validateTemplate } from './validate-template';

const FUNCTIONS = [
  'codebuild',
  'codecommit',
  'codedeploy',
  'codepipeline',
  'ecs',
  'approvalRequest',
  'metrics',
  'slackActions',
];

/** Shapes of secrets that must never be packaged: Slack webhooks, tokens, signing secrets. */
const SECRET_PATTERNS = [
  /hooks\.slack\.com\/(services|workflows|triggers)\//i,
  /xox[abposr]-[0-9A-Za-z-]+/,
  /SLACK_WEBHOOK_URL/,
  /SLACK_SIGNING_SECRET/,
  /localtestwebhooktoken/,
  /SLACK_BOT_TOKEN/,
];

describe.each(STAGES)('the packaged %s stack', (stage) => {
  it('is valid against the CloudFormation resource schema', async () => {
    expect(await validateTemplate(packagedTemplate(stage))).toEqual([]);
  });

  it('ships every function key with a nodejs22.x bundle', () => {
    const resources = Object.values(packagedTemplate(stage).Resources);
    const functions = resources
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => r.Properties ?? {});

    expect(functions.map((f) => f.FunctionName)).toEqual(FUNCTIONS.map((name) => `herald-${stage}-${name}`));
    for (const f of functions) expect(f.Runtime).toBe('nodejs22.x');
  });

  it('sizes each function as the bench measured (serverless.yml says why)', () => {
    const sizes = Object.fromEntries(
      Object.values(packagedTemplate(stage).Resources)
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map((r) => [String(r.Properties?.FunctionName), r.Properties?.MemorySize]),
    );
    const expected = (name: string) => (name === 'slackActions' ? 1024 : name === 'metrics' ? 256 : 512);

    expect(sizes).toEqual(Object.fromEntries(FUNCTIONS.map((n) => [`herald-${stage}-${n}`, expected(n)])));
  });

  it('holds no webhook URL, token or signing secret in the template or the function environment', () => {
    const text = JSON.stringify(packagedTemplate(stage));

    for (const pattern of SECRET_PATTERNS) expect(text).not.toMatch(pattern);
  });

  it('holds no webhook URL, token or signing secret in the zips', () => {
    const files = packagedFiles(stage, FUNCTIONS);

    expect(files.size).toBeGreaterThan(0);
    for (const [path, content] of files) {
      // Only values: the code names SLACK_WEBHOOK_URL and SLACK_SIGNING_SECRET, as it must.
      for (const pattern of SECRET_PATTERNS.slice(0, 2)) {
        if (pattern.test(content)) throw new Error(`${path} matches ${pattern}`);
      }
    }
  });

  it('lets the functions read only their own stage secrets from SSM', () => {
    const text = JSON.stringify(packagedTemplate(stage));

    expect(text).toContain(`:parameter/herald/${stage}/*`);
    expect(text).not.toMatch(/ssm:GetParameters?ByPath|"ssm:\*"|"Action":"\*"/);
  });

  /** The roles whose statements grant `action`, each statement checked to name `resources` only. */
  function grantedTo(action: string, resources: unknown[]): string[] {
    const roles: string[] = [];
    for (const [name, resource] of Object.entries(packagedTemplate(stage).Resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      const policies = (resource.Properties?.Policies ?? []) as Array<{
        PolicyDocument: { Statement: Array<{ Action: string[]; Resource: unknown }> };
      }>;
      for (const statement of policies.flatMap((p) => p.PolicyDocument.Statement)) {
        if (!statement.Action.includes(action)) continue;
        roles.push(name);
        expect({ name, action, resource: statement.Resource }).toEqual({ name, action, resource: resources });
      }
    }
    return roles.sort();
  }
  const arnOf = (service: string, resource: string) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
  });

  it('watches itself: an alarm on the failed-events queue and one on each function, to its alarm topic', () => {
    const resources = packagedTemplate(stage).Resources;
    const functions = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id]) => id)
      .sort();
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const alarmed = alarms
      .flatMap((a) => (a.Properties?.Dimensions ?? []) as Array<{ Value: { Ref?: string } }>)
      .map((d) => d.Value.Ref)
      .filter((ref): ref is string => Boolean(ref))
      .sort();

    expect(alarmed).toEqual(functions);
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Properties: expect.objectContaining({
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedEventsQueue', 'QueueName'] } }],
        }),
      }),
    );
    for (const alarm of alarms) expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    // An email subscription only where the alarmEmail param gives an address.
    expect(resources.AlarmEmail?.Condition).toBe('HasAlarmEmail');
  });

  it('lets only the functions that find releases or read what ships list action executions, of the watched pipeline only', () => {
    const pipeline = [arnOf('codepipeline', `herald-${stage}-pipeline`)];

    expect(grantedTo('codepipeline:ListActionExecutions', pipeline)).toEqual([
      'ApprovalRequestFunctionRole',
      'CodebuildFunctionRole',
      'CodedeployFunctionRole',
      'CodepipelineFunctionRole',
    ]);
    expect(grantedTo('codepipeline:ListPipelineExecutions', pipeline)).toEqual([
      'ApprovalRequestFunctionRole',
      'CodepipelineFunctionRole',
    ]);
  });

  it('lets only approvalRequest and codepipeline walk commits (what ships; what reached prod), in the watched repository only', () => {
    const repository = [arnOf('codecommit', 'my-service')];

    expect(grantedTo('codecommit:BatchGetCommits', repository).sort()).toEqual([
      'ApprovalRequestFunctionRole',
      'CodepipelineFunctionRole',
    ]);
  });

  it('lets only slackActions stop or continue deployments, on the watched deployment groups only', () => {
    const granted: string[] = [];
    for (const [name, resource] of Object.entries(packagedTemplate(stage).Resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      const policies = (resource.Properties?.Policies ?? []) as Array<{
        PolicyDocument: { Statement: Array<{ Action: string[] | string; Resource: unknown }> };
      }>;
      for (const statement of policies.flatMap((p) => p.PolicyDocument.Statement)) {
        const actions = ([] as string[]).concat(statement.Action);
        expect(actions).not.toContain('codedeploy:*');
        const decides = actions.filter(
          (a) => a === 'codedeploy:StopDeployment' || a === 'codedeploy:ContinueDeployment',
        );
        if (decides.length === 0) continue;
        granted.push(`${name}: ${decides.sort().join(', ')}`);
        expect(statement.Resource).toEqual([
          {
            'Fn::Sub': `arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:herald-${stage}-app/*`,
          },
        ]);
      }
    }

    expect(granted).toEqual([
      'SlackActionsFunctionRole: codedeploy:ContinueDeployment, codedeploy:StopDeployment',
    ]);
  });

  it('blocks public access to the deployment bucket, like every other bucket', () => {
    const buckets = Object.entries(packagedTemplate(stage).Resources).filter(
      ([, r]) => r.Type === 'AWS::S3::Bucket',
    );

    expect(buckets.map(([name]) => name)).toContain('ServerlessDeploymentBucket');
    for (const [name, bucket] of buckets) {
      expect([name, bucket.Properties?.PublicAccessBlockConfiguration]).toEqual([
        name,
        {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      ]);
    }
  });
});
