import { type Template, validateTemplate } from './validate-template';

function template(resources: Template['Resources'], outputs?: Template['Outputs']): Template {
  return { Resources: resources, Outputs: outputs };
}

const QUEUE = { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q' } };
const ROLE = {
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
    Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [] } }],
  },
};

describe('validateTemplate', () => {
  it('accepts a correct template with references between resources', async () => {
    const problems = await validateTemplate(
      template(
        {
          Queue: QUEUE,
          Role: ROLE,
          Rule: {
            Type: 'AWS::Events::Rule',
            Properties: {
              EventPattern: { source: ['aws.codebuild'] },
              Targets: [
                {
                  Id: 'queue',
                  Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
                  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not JS.
                  RoleArn: { 'Fn::Sub': '${Role.Arn}' },
                },
              ],
            },
          },
        },
        { QueueUrl: { Value: { Ref: 'Queue' } } },
      ),
    );

    expect(problems).toEqual([]);
  });

  it('catches an unknown resource type', async () => {
    expect(await validateTemplate(template({ Queue: { ...QUEUE, Type: 'AWS::SQS::Queu' } }))).toEqual([
      'Resources.Queue: unknown resource type AWS::SQS::Queu',
    ]);
  });

  it('catches a misspelt top-level property', async () => {
    expect(await validateTemplate(template({ Queue: { ...QUEUE, Properties: { QueueNme: 'q' } } }))).toEqual([
      'Resources.Queue.Properties: unknown property QueueNme',
    ]);
  });

  it('catches a misspelt nested property', async () => {
    const role = {
      ...ROLE,
      Properties: {
        ...ROLE.Properties,
        Policies: [{ PolicyName: 'p', PolicyDocument: {}, PolicyDocumnt: {} }],
      },
    };

    expect(await validateTemplate(template({ Role: role }))).toEqual([
      'Resources.Role.Properties.Policies[0]: unknown property PolicyDocumnt',
    ]);
  });

  it('catches a missing required property', async () => {
    expect(await validateTemplate(template({ Role: { Type: 'AWS::IAM::Role', Properties: {} } }))).toEqual([
      'Resources.Role.Properties: missing required property AssumeRolePolicyDocument',
    ]);
  });

  it('catches a Fn::GetAtt attribute the resource type does not have', async () => {
    const problems = await validateTemplate(
      template({ Queue: QUEUE }, { Bad: { Value: { 'Fn::GetAtt': ['Queue', 'Url'] } } }),
    );

    expect(problems).toEqual([
      'Outputs.Bad.Value: AWS::SQS::Queue has no attribute Url (Fn::GetAtt Queue.Url)',
    ]);
  });

  it('catches references to resources that do not exist', async () => {
    const problems = await validateTemplate(
      template(
        { Queue: { ...QUEUE, DependsOn: 'Nothing' } },
        {
          A: { Value: { Ref: 'Missing' } },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not JS.
          B: { Value: { 'Fn::Sub': 'arn:${AWS::Partition}:x:${Gone.Arn}' } },
        },
      ),
    );

    expect(problems).toEqual([
      'Resources.Queue.DependsOn: unknown resource Nothing',
      'Outputs.A.Value: reference to unknown resource or parameter Missing',
      'Outputs.B.Value: Fn::GetAtt names unknown resource Gone',
    ]);
  });
});
