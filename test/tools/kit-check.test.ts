import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkKit } from '../../tools/kit-check';

const KIT = join(__dirname, '..', '..', 'kit');
const copies: string[] = [];

/** A copy of the shipped kit with one file changed. */
function broken(file: string, change: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-kit-'));
  copies.push(dir);
  cpSync(KIT, dir, { recursive: true });
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

function json(
  change: (
    definition: Record<string, unknown> & { containerDefinitions: Array<Record<string, unknown>> },
  ) => void,
) {
  return (text: string) => {
    const definition = JSON.parse(text);
    change(definition);
    return JSON.stringify(definition, null, 2);
  };
}

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe('kit:check', () => {
  it('passes the shipped kit', () => {
    expect(checkKit(KIT)).toEqual([]);
  });

  it.each([
    [
      'a container name that differs from the AppSpec',
      'taskdef-prod.json',
      json((d) => {
        (d.containerDefinitions[0] as Record<string, unknown>).name = 'app';
      }),
      { file: 'taskdef-prod.json', field: 'containerDefinitions[].name' },
    ],
    [
      'a container port that differs from the AppSpec',
      'taskdef-stage.json',
      json((d) => {
        (d.containerDefinitions[0] as Record<string, unknown>).portMappings = [{ containerPort: 3000 }];
      }),
      { file: 'taskdef-stage.json', field: 'containerDefinitions[web].portMappings' },
    ],
    [
      'an AppSpec port that differs from the task definitions',
      'appspec.yml',
      (t: string) => t.replace('ContainerPort: 8080', 'ContainerPort: 80'),
      { file: 'taskdef-stage.json', field: 'containerDefinitions[web].portMappings' },
    ],
    [
      'a missing <IMAGE_URL> placeholder',
      'taskdef-prod.json',
      json((d) => {
        (d.containerDefinitions[0] as Record<string, unknown>).image =
          '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-service:latest';
      }),
      { file: 'taskdef-prod.json', field: 'containerDefinitions[web].image' },
    ],
    [
      'host network mode',
      'taskdef-stage.json',
      json((d) => {
        d.networkMode = 'host';
      }),
      { file: 'taskdef-stage.json', field: 'networkMode' },
    ],
    [
      'a missing network mode on Fargate (ECS would take bridge)',
      'taskdef-prod.json',
      json((d) => {
        delete d.networkMode;
      }),
      { file: 'taskdef-prod.json', field: 'networkMode', message: expect.stringContaining('"awsvpc"') },
    ],
    [
      'a bridge network on Fargate',
      'taskdef-stage.json',
      json((d) => {
        d.networkMode = 'bridge';
      }),
      { file: 'taskdef-stage.json', field: 'networkMode', message: expect.stringContaining('FARGATE') },
    ],
    [
      'a fixed host port in bridge mode',
      'taskdef-prod.json',
      json((d) => {
        d.networkMode = 'bridge';
        d.requiresCompatibilities = ['EC2'];
        (d.containerDefinitions[0] as Record<string, unknown>).portMappings = [
          { containerPort: 8080, hostPort: 8080 },
        ];
      }),
      { file: 'taskdef-prod.json', field: 'containerDefinitions[web].portMappings.hostPort' },
    ],
    [
      'an awslogs group that nothing creates',
      'taskdef-stage.json',
      (t: string) => t.replace(/,\s*"awslogs-create-group": "true"/, ''),
      {
        file: 'taskdef-stage.json',
        field: 'containerDefinitions[web].logConfiguration.options.awslogs-group',
      },
    ],
    [
      'awslogs without a group',
      'taskdef-prod.json',
      (t: string) => t.replace(/"awslogs-group": "[^"]*",/, ''),
      {
        file: 'taskdef-prod.json',
        field: 'containerDefinitions[web].logConfiguration.options.awslogs-group',
      },
    ],
    [
      'a buildspec that does not emit imageDetail.json',
      'buildspec.yml',
      (t: string) => t.replace('    - imageDetail.json\n', ''),
      { file: 'buildspec.yml', field: 'artifacts.files' },
    ],
    [
      'a buildspec that does not emit the task definitions',
      'buildspec.yml',
      (t: string) => t.replace('    - taskdef-prod.json\n', ''),
      { file: 'buildspec.yml', field: 'artifacts.files' },
    ],
    [
      'a buildspec that never writes imageDetail.json',
      'buildspec.yml',
      (t: string) => t.replace(/.*printf.*imageDetail\.json\n/, ''),
      { file: 'buildspec.yml', field: 'phases.post_build.commands' },
    ],
    [
      'invalid JSON',
      'taskdef-stage.json',
      (t: string) => t.replace('{', '{,'),
      { file: 'taskdef-stage.json', field: '(syntax)' },
    ],
    [
      'invalid YAML',
      'appspec.yml',
      (t: string) => `${t}\n  - : [unclosed`,
      { file: 'appspec.yml', field: '(syntax)' },
    ],
  ])('reports %s with file and field', (_name, file, change, where) => {
    const findings = checkKit(broken(file, change));

    expect(findings).toContainEqual(expect.objectContaining(where));
  });
});

describe('the example environment (kit/environment.yml)', () => {
  it('is valid against the CloudFormation resource schema', async () => {
    const { parse } = await import('yaml');
    const { validateTemplate } = await import('../cfn/validate-template');
    const template = parse(readFileSync(join(KIT, 'environment.yml'), 'utf8'));

    expect(await validateTemplate(template)).toEqual([]);
  });

  it('gives the service the CODE_DEPLOY controller, 80 → 443, a 443 and an 8001 listener, two target groups', async () => {
    const { parse } = await import('yaml');
    const { Resources: r } = parse(readFileSync(join(KIT, 'environment.yml'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };

    expect(r.Service?.Properties.DeploymentController).toEqual({ Type: 'CODE_DEPLOY' });
    expect(r.HttpListener?.Properties).toMatchObject({
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Port: '443' } }],
    });
    expect([r.ProductionListener?.Properties.Port, r.TestListener?.Properties.Port]).toEqual([443, 8001]);
    expect(
      Object.values(r).filter((x) => x.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup'),
    ).toHaveLength(2);
    expect(r.LogGroup?.Type).toBe('AWS::Logs::LogGroup');
  });
});

describe('npm run kit:check', () => {
  const ROOT = join(__dirname, '..', '..');
  const run = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'tools/kit-check.ts', ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );

  it('checks kit/ when given no directory', () => {
    const result = run();

    expect(result.stdout).toContain('kit: the kit is ready for blue/green.');
    expect(result.status).toBe(0);
  });

  it('exits 1 with file and field for a broken kit, 2 for a directory that is not there', () => {
    const dir = broken(
      'taskdef-stage.json',
      json((d) => {
        d.networkMode = 'bridge';
      }),
    );
    const failed = run(dir);
    const missing = run(join(dir, 'nope'));

    expect(failed.stdout).toContain('taskdef-stage.json: networkMode:');
    expect(failed.status).toBe(1);
    expect(missing.stderr).toContain('no such directory');
    expect(missing.status).toBe(2);
  });
});
