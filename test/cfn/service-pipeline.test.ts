/**
 * The pipeline, once per service (service-pipeline.yml, packaged by `npm run package:services` for
 * two services, checkout and search, next to the `platform` Herald): each template is valid,
 * finds Herald by its exports, names everything after its service (so the names match the watch
 * lists of config/routing/platform.json), and the two share no physical name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchesGlob } from '../../shared/routing/route';
import { packageDir, packagedTemplate } from '../helpers/packaged';
import { type Template, validateTemplate } from './validate-template';

const SERVICES = ['checkout', 'search'] as const;
const ROOT = join(__dirname, '..', '..');
const templates = () => SERVICES.map((service) => packagedTemplate(`pipeline-${service}`));

/** The physical names a template gives its resources: top-level `…Name` properties (RepositoryName, Name, …). */
function physicalNames(template: Template): string[] {
  return Object.entries(template.Resources)
    .filter(([name]) => !name.startsWith('ServerlessDeploymentBucket'))
    .flatMap(([, resource]) =>
      Object.entries(resource.Properties ?? {}).flatMap(([key, value]) =>
        /Name$/.test(key) && key !== 'DeploymentConfigName' && typeof value === 'string' ? [value] : [],
      ),
    );
}

function imports(template: Template): string[] {
  return [...JSON.stringify(template).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((m) => m[1] ?? '');
}

describe('the per-service pipeline', () => {
  it('validates against the CloudFormation resource schema, for each service', async () => {
    for (const template of templates()) expect(await validateTemplate(template)).toEqual([]);
  });

  it('finds Herald by the exports of its stack, and leaves Herald’s approval topic policy alone', () => {
    const herald = packagedTemplate('platform');
    const exported = Object.values(herald.Outputs ?? {}).flatMap((output) => {
      const name = (output as { Export?: { Name?: unknown } }).Export?.Name;
      return typeof name === 'string' ? [name] : [];
    });

    for (const template of templates()) {
      expect([...new Set(imports(template))].sort()).toEqual([
        'herald-platform-ApprovalTopicArn',
        'herald-platform-CodecommitFunctionArn',
      ]);
      for (const name of imports(template)) expect(exported).toContain(name);
      expect(template.Conditions?.CreatePipeline).toEqual({ 'Fn::Equals': ['true', 'true'] });
      expect(template.Conditions?.OwnsApprovalTopic).toEqual({
        'Fn::And': [{ Condition: 'CreatePipeline' }, { 'Fn::Equals': ['false', 'true'] }],
      });
    }
  });

  it('names everything after its service, what Herald watches by default, and two never clash', () => {
    const [checkout, search] = templates().map(physicalNames);
    const watch = JSON.parse(readFileSync(join(ROOT, 'config', 'routing', 'platform.json'), 'utf8'))
      .watch as Record<string, string[]>;
    const watched = (list: string, name: string) =>
      (watch[list] ?? []).some((entry) => matchesGlob(entry, name));

    expect(checkout).toEqual(
      expect.arrayContaining([
        'checkout',
        'checkout-app',
        'checkout-pipeline',
        '/aws/codebuild/checkout-app',
      ]),
    );
    expect((checkout ?? []).filter((name) => (search ?? []).includes(name))).toEqual([]);
    for (const service of SERVICES) {
      expect(watched('pipelines', `${service}-pipeline`)).toBe(true);
      expect(watched('buildProjects', `${service}-app`)).toBe(true);
      expect(watched('applications', `${service}-app`)).toBe(true);
      expect(watched('repositories', service)).toBe(true);
      expect(watched('services', `${service}-prod`)).toBe(true);
    }
  });

  it('is its own stack, <service>-pipeline', () => {
    for (const service of SERVICES) {
      const state = JSON.parse(
        readFileSync(join(packageDir(`pipeline-${service}`), 'serverless-state.json'), 'utf8'),
      );
      expect(state.service.provider.stackName).toBe(`${service}-pipeline`);
    }
  });
});
