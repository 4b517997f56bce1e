/**
 * One Herald for three services (config/routing/platform.json: checkout and search by exact name,
 * payments by the prefix `pay-`): the packaged template's EventBridge rules and every IAM
 * statement of Herald's functions name exactly the watched resources, and the functions get the
 * same lists (HERALD_WATCH).
 */

import type { WatchDefaults } from '../../shared/lambda/config';
import { loadRouting } from '../../shared/routing/load';
import { watchOf } from '../../shared/routing/watch';
import { packagedTemplate } from '../helpers/packaged';
import type { Template } from './validate-template';
import { validateTemplate } from './validate-template';

const arn = (service: string, resource: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});

let template: Template;

beforeAll(() => {
  template = packagedTemplate('platform');
});

function rule(fn: string, index = 1) {
  const found = Object.entries(template.Resources).find(
    ([name, r]) =>
      r.Type === 'AWS::Events::Rule' && name === `Heraldplatform${fn}rule${index}EventBridgeRule`,
  );
  if (!found) throw new Error(`no EventBridge rule ${index} of ${fn}`);
  return (found[1].Properties as { EventPattern: Record<string, unknown> }).EventPattern;
}

interface Statement {
  Sid?: string;
  Action: string[] | string;
  Resource: unknown;
}

/** Every statement of the roles of Herald's own functions. */
function functionStatements(): Array<{ role: string; statement: Statement }> {
  return Object.entries(template.Resources)
    .filter(([name, r]) => r.Type === 'AWS::IAM::Role' && name.endsWith('FunctionRole'))
    .flatMap(([role, r]) =>
      ((r.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap((p) =>
        p.PolicyDocument.Statement.map((statement) => ({ role, statement })),
      ),
    );
}

describe('one Herald watching three services', () => {
  it('is valid against the CloudFormation resource schema', async () => {
    expect(await validateTemplate(template)).toEqual([]);
  });

  it('filters every EventBridge rule on exactly the watched names, prefixes as prefix filters', () => {
    expect(rule('codebuild')).toMatchObject({
      detail: { 'project-name': ['checkout-app', 'search-app', { prefix: 'pay-' }] },
    });
    expect(rule('codecommit').resources).toEqual([
      arn('codecommit', 'checkout'),
      arn('codecommit', 'search'),
      { prefix: arn('codecommit', 'pay-') },
    ]);
    expect(rule('codedeploy')).toMatchObject({
      detail: { application: ['checkout-app', 'search-app', { prefix: 'pay-' }] },
    });
    expect(rule('codepipeline')).toMatchObject({
      detail: { pipeline: ['checkout-pipeline', 'search-pipeline', { prefix: 'pay-' }] },
    });
    expect(rule('ecs')).toMatchObject({ detail: { clusterArn: [arn('ecs', 'cluster/shop-cluster')] } });
  });

  it('lets the rules deliver the watched pipelines and applications, and not an unwatched one', () => {
    // EventBridge's own matching for these filters: an exact string, or `{ prefix }`.
    const delivers = (filter: unknown, name: string) =>
      (filter as Array<string | { prefix: string }>).some((f) =>
        typeof f === 'string' ? f === name : name.startsWith(f.prefix),
      );
    const pipelines = (rule('codepipeline').detail as { pipeline: unknown }).pipeline;
    const applications = (rule('codedeploy').detail as { application: unknown }).application;

    for (const name of ['checkout-pipeline', 'search-pipeline', 'pay-ledger-pipeline'])
      expect([name, delivers(pipelines, name)]).toEqual([name, true]);
    for (const name of ['billing-pipeline', 'checkout-pipeline-old', 'herald-platform-pipeline'])
      expect([name, delivers(pipelines, name)]).toEqual([name, false]);
    expect(delivers(applications, 'pay-ledger-app')).toBe(true);
    expect(delivers(applications, 'billing-app')).toBe(false);
  });

  it('names in every IAM statement of the functions only watched resources: no statement widens', () => {
    const allowed: Record<string, unknown[]> = {
      codebuild: [
        arn('codebuild', 'project/checkout-app'),
        arn('codebuild', 'project/search-app'),
        arn('codebuild', 'project/pay-*'),
      ],
      codecommit: [arn('codecommit', 'checkout'), arn('codecommit', 'search'), arn('codecommit', 'pay-*')],
      codepipeline: [
        arn('codepipeline', 'checkout-pipeline'),
        arn('codepipeline', 'search-pipeline'),
        arn('codepipeline', 'pay-*'),
        arn('codepipeline', 'checkout-pipeline/*'),
        arn('codepipeline', 'search-pipeline/*'),
        arn('codepipeline', 'pay-*/*'),
      ],
      codedeploy: [
        arn('codedeploy', 'deploymentgroup:checkout-app/*'),
        arn('codedeploy', 'deploymentgroup:search-app/*'),
        arn('codedeploy', 'deploymentgroup:pay-*/*'),
      ],
    };
    const checked: string[] = [];
    for (const { role, statement } of functionStatements()) {
      // ListPipelines names no resource (AWS requires "*"); it lists names, the functions keep the watched.
      if (JSON.stringify(statement.Action) === '["codepipeline:ListPipelines"]') {
        expect(statement.Resource).toBe('*');
        continue;
      }
      const services = new Set(([] as string[]).concat(statement.Action).map((a) => a.split(':')[0] ?? ''));
      for (const service of Object.keys(allowed).filter((s) => services.has(s))) {
        checked.push(`${role}/${statement.Sid ?? '?'}`);
        const outside = ([] as unknown[])
          .concat(statement.Resource)
          .filter(
            (resource) =>
              !(allowed[service] ?? []).some((ok) => JSON.stringify(ok) === JSON.stringify(resource)),
          );
        expect({ role, sid: statement.Sid, outside }).toEqual({ role, sid: statement.Sid, outside: [] });
      }
    }
    // Every function that reads or decides something of the services was checked.
    expect(checked.length).toBeGreaterThanOrEqual(8);
    const logs = functionStatements().find(({ statement }) => statement.Sid === 'ReadBuildLogs');
    expect(logs?.statement.Resource).toEqual([
      arn('logs', 'log-group:/aws/codebuild/checkout-app:log-stream:*'),
      arn('logs', 'log-group:/aws/codebuild/search-app:log-stream:*'),
      arn('logs', 'log-group:/aws/codebuild/pay-*:log-stream:*'),
    ]);
  });

  it('creates no pipeline of its own (createPipeline false): each service brings its own stack', () => {
    const pipelineTypes = [
      'AWS::CodePipeline::Pipeline',
      'AWS::CodeBuild::Project',
      'AWS::ECR::Repository',
      'AWS::CodeDeploy::Application',
    ];
    const pipelineParts = Object.values(template.Resources).filter((r) => pipelineTypes.includes(r.Type));

    expect(template.Conditions?.CreatePipeline).toEqual({ 'Fn::Equals': ['false', 'true'] });
    expect(pipelineParts).toHaveLength(4);
    for (const part of pipelineParts)
      expect([part.Type, part.Condition]).toEqual([part.Type, 'CreatePipeline']);
  });

  it('gives the functions the same lists: the routing file they carry, and the defaults for the rest', () => {
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const variables = (fn: (typeof functions)[number] | undefined) =>
      ((fn?.Properties ?? {}) as { Environment?: { Variables?: Record<string, string> } }).Environment
        ?.Variables;
    const defaults = JSON.parse(variables(functions[0])?.HERALD_WATCH ?? 'null') as WatchDefaults;

    // platform.json lists everything: no default is left, whatever the length of its lists.
    expect(defaults).toEqual({});
    expect(watchOf(defaults, loadRouting('platform'))).toEqual({
      repositories: ['checkout', 'search', 'pay-*'],
      buildProjects: ['checkout-app', 'search-app', 'pay-*'],
      pipelines: ['checkout-pipeline', 'search-pipeline', 'pay-*'],
      applications: ['checkout-app', 'search-app', 'pay-*'],
      clusters: ['shop-cluster'],
      services: ['checkout-*', 'search-*', 'pay-*'],
    });
    for (const fn of functions) expect(variables(fn)?.HERALD_WATCH).toBe('{}');
  });

  it('gives a single-service Herald the defaults of its params', () => {
    const fn = Object.values(packagedTemplate('stage').Resources).find(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    const variables = ((fn?.Properties ?? {}) as { Environment?: { Variables?: Record<string, string> } })
      .Environment?.Variables;

    expect(JSON.parse(variables?.HERALD_WATCH ?? 'null')).toEqual({
      repositories: ['my-service'],
      buildProjects: ['herald-stage-*'],
      pipelines: ['herald-stage-pipeline'],
      applications: ['herald-stage-app'],
      clusters: [],
      services: [],
    });
  });
});
