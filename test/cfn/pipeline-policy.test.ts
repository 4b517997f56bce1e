import { packagedTemplate, STAGES } from '../helpers/packaged';
import type { Template } from './validate-template';

type Props = Record<string, unknown>;

/** Actions AWS offers no resource-level permission for: the only ones allowed on Resource "*". */
const RESOURCE_STAR_EXCEPTIONS = new Set([
  'ecr:GetAuthorizationToken',
  'ecs:RegisterTaskDefinition',
  'ecs:DescribeTaskDefinition',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetHealth',
  'cloudwatch:DescribeAlarms',
  // Lists pipeline names only; Herald keeps the watched ones (shared/releases/pipelines.ts).
  'codepipeline:ListPipelines',
]);

function resources(template: Template, type: string): Array<[string, Props]> {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, (r.Properties ?? {}) as Props]);
}

function one(template: Template, id: string): Props {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`the template has no ${id}`);
  return (resource.Properties ?? {}) as Props;
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
}

function statements(template: Template): Array<{ role: string; statement: Statement }> {
  return resources(template, 'AWS::IAM::Role').flatMap(([role, props]) =>
    ((props.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>) ?? []).flatMap((policy) =>
      policy.PolicyDocument.Statement.map((statement) => ({ role, statement })),
    ),
  );
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe.each(STAGES)('the %s stack', (stage) => {
  const template = () => packagedTemplate(stage);

  it('encrypts the artifact bucket, blocks public access and allows TLS only', () => {
    const bucket = one(template(), 'ArtifactBucket');
    const policy = one(template(), 'ArtifactBucketPolicy');

    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(JSON.stringify(policy)).toContain('"aws:SecureTransport":"false"');
  });

  it('scans images on push and keeps a bounded number of them', () => {
    const repository = one(template(), 'ImageRepository');

    expect(repository.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
    expect(JSON.stringify(repository.LifecyclePolicy)).toContain('imageCountMoreThan');
  });

  it('builds in privileged mode, with the variables the buildspec needs and a log group with retention', () => {
    const project = one(template(), 'BuildProject');
    const environment = project.Environment as {
      PrivilegedMode: boolean;
      EnvironmentVariables: Array<{ Name: string }>;
    };

    expect(environment.PrivilegedMode).toBe(true);
    expect(environment.EnvironmentVariables.map((v) => v.Name)).toEqual(
      expect.arrayContaining(['AWS_ACCOUNT_ID', 'AWS_DEFAULT_REGION', 'IMAGE_REPO_NAME']),
    );
    expect(one(template(), 'BuildLogGroup').RetentionInDays).toEqual(expect.any(Number));
    expect(project.Name).toBe(`herald-${stage}-app`);
  });

  it('grants no action "*" and names every resource, but for the actions AWS leaves no choice', () => {
    const all = statements(template());

    expect(all.length).toBeGreaterThan(20);
    for (const { role, statement } of all) {
      const actions = asList(statement.Action);
      expect({
        role,
        sid: statement.Sid,
        star: actions.filter((a) => a === '*' || a.endsWith(':*')),
      }).toEqual({
        role,
        sid: statement.Sid,
        star: [],
      });
      if (
        statement.Resource === '*' ||
        (Array.isArray(statement.Resource) && statement.Resource.includes('*'))
      ) {
        expect({
          role,
          sid: statement.Sid,
          actions: actions.filter((a) => !RESOURCE_STAR_EXCEPTIONS.has(a)),
        }).toEqual({
          role,
          sid: statement.Sid,
          actions: [],
        });
      }
    }
  });

  it('runs Source → Build → Deploy-stage → Approval → Deploy-prod with exactly these providers', () => {
    const stages = one(template(), 'Pipeline').Stages as Array<{
      Name: string;
      Actions: Array<{ ActionTypeId: { Provider: string }; Configuration: Props }>;
    }>;

    expect(stages.map((s) => [s.Name, s.Actions.map((a) => a.ActionTypeId.Provider)])).toEqual([
      ['Source', ['CodeCommit']],
      ['Build', ['CodeBuild']],
      ['Deploy-stage', ['CodeDeployToECS']],
      ['Approval', ['Manual']],
      ['Deploy-prod', ['CodeDeployToECS']],
    ]);
    const [, , deployStage, , deployProd] = stages;
    expect(deployStage?.Actions[0]?.Configuration).toMatchObject({
      TaskDefinitionTemplatePath: 'taskdef-stage.json',
      AppSpecTemplatePath: 'appspec.yml',
      Image1ContainerName: 'IMAGE_URL',
    });
    expect(deployProd?.Actions[0]?.Configuration).toMatchObject({
      TaskDefinitionTemplatePath: 'taskdef-prod.json',
    });
    expect(one(template(), 'Pipeline').PipelineType).toBe('V2');
  });

  it('detects source changes with EventBridge, not polling', () => {
    const stages = one(template(), 'Pipeline').Stages as Array<{ Actions: Array<{ Configuration: Props }> }>;

    expect(stages[0]?.Actions[0]?.Configuration.PollForSourceChanges).toBe(false);
    expect(JSON.stringify(one(template(), 'SourceChangeRule').EventPattern)).toContain(
      'CodeCommit Repository State Change',
    );
  });

  it('keeps the original task set for a bake window in prod, and not at all in stage', () => {
    const bake = (id: string) =>
      (
        one(template(), id).BlueGreenDeploymentConfiguration as {
          TerminateBlueInstancesOnDeploymentSuccess: { TerminationWaitTimeInMinutes: number };
        }
      ).TerminateBlueInstancesOnDeploymentSuccess.TerminationWaitTimeInMinutes;

    expect(bake('ProdDeploymentGroup')).toBeGreaterThan(0);
    expect(bake('StageDeploymentGroup')).toBe(0);
    expect(one(template(), 'ProdDeploymentGroup').AutoRollbackConfiguration).toMatchObject({ Enabled: true });
  });

  it("sends the approval request to Herald's approval topic", () => {
    const stages = one(template(), 'Pipeline').Stages as Array<{
      Name: string;
      Actions: Array<{ Configuration: Props }>;
    }>;
    const approval = stages.find((s) => s.Name === 'Approval')?.Actions[0]?.Configuration;

    expect(approval?.NotificationArn).toEqual({ Ref: 'ApprovalTopic' });
    expect(approval?.ExternalEntityLink).toEqual(expect.stringMatching(/^https:\/\//));
    expect(resources(template(), 'AWS::Lambda::Function').map(([id]) => id)).toContain(
      'ApprovalRequestLambdaFunction',
    );
    expect(JSON.stringify(template().Resources)).toContain('"TopicArn":{"Ref":"ApprovalTopic"}');
  });

  it("points the repository's trigger at the codecommit function", () => {
    const triggers = one(template(), 'SourceRepository').Triggers as Array<{
      DestinationArn: unknown;
      Events: string[];
    }>;

    expect(triggers).toEqual([
      expect.objectContaining({
        DestinationArn: { 'Fn::GetAtt': ['CodecommitLambdaFunction', 'Arn'] },
        Events: ['all'],
      }),
    ]);
  });
});

describe('the stack with a CodeConnections source (sourceProvider=CodeConnections)', () => {
  const template = () => packagedTemplate('stage-connections');

  it('is valid against the CloudFormation resource schema', async () => {
    const { validateTemplate } = await import('./validate-template');

    expect(await validateTemplate(template())).toEqual([]);
  });

  it('takes the source from the connection, with change detection, and creates no CodeCommit parts', () => {
    const stages = one(template(), 'Pipeline').Stages as Array<{
      Name: string;
      Actions: Array<{ ActionTypeId: { Provider: string }; Configuration: Props }>;
    }>;
    const conditions = (template() as Template & { Conditions: Record<string, unknown> }).Conditions;

    expect(stages[0]?.Actions[0]?.ActionTypeId.Provider).toBe('CodeStarSourceConnection');
    expect(stages[0]?.Actions[0]?.Configuration).toMatchObject({
      DetectChanges: true,
      FullRepositoryId: 'my-org/my-service',
    });
    expect(conditions.UseCodeCommit).toEqual({
      'Fn::And': [{ Condition: 'CreatePipeline' }, { 'Fn::Equals': ['CodeConnections', 'CodeCommit'] }],
    });
    for (const id of ['SourceRepository', 'SourceChangeRule', 'SourceChangeRole']) {
      expect(template().Resources[id]).toMatchObject({
        Condition: expect.stringMatching(/UseCodeCommit|CreateSourceRepository/),
      });
    }
  });
});
