/**
 * `npm run kit:check [-- <dir>]` (kit/ by default): checks an application kit (buildspec.yml, taskdef-stage.json,
 * taskdef-prod.json, appspec.yml) for the mistakes that break ECS blue/green deployments before a
 * pipeline run finds them, and says where: file and field. Exit code 1 when anything is found.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface Finding {
  file: string;
  field: string;
  message: string;
}

export const TASK_DEFINITIONS = ['taskdef-stage.json', 'taskdef-prod.json'];
const REQUIRED_ARTIFACTS = ['imageDetail.json', ...TASK_DEFINITIONS, 'appspec.yml'];

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function load(dir: string, file: string, findings: Finding[]): unknown {
  const path = join(dir, file);
  if (!existsSync(path)) {
    findings.push({ file, field: '(file)', message: 'missing' });
    return undefined;
  }
  const text = readFileSync(path, 'utf8');
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    findings.push({
      file,
      field: '(syntax)',
      message: `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
    });
    return undefined;
  }
}

/** Log groups the kit's optional example environment (environment.yml) creates. */
function createdLogGroups(dir: string): Set<string> {
  const path = join(dir, 'environment.yml');
  const groups = new Set<string>();
  if (!existsSync(path)) return groups;
  for (const match of readFileSync(path, 'utf8').matchAll(/LogGroupName:\s*['"]?([^'"\s]+)/g))
    if (match[1]) groups.add(match[1]);
  return groups;
}

export function checkKit(dirArg: string): Finding[] {
  const dir = resolve(dirArg);
  const findings: Finding[] = [];
  const add = (file: string, field: string, message: string) => findings.push({ file, field, message });

  // AppSpec: the container and port CodeDeploy routes traffic to.
  const appSpec = load(dir, 'appspec.yml', findings);
  let containerName: string | undefined;
  let containerPort: number | undefined;
  if (isObject(appSpec)) {
    const target = list(appSpec.Resources)
      .map((r) => (isObject(r) ? r.TargetService : undefined))
      .find(isObject);
    const properties = isObject(target?.Properties) ? target.Properties : undefined;
    const lb = isObject(properties?.LoadBalancerInfo) ? properties.LoadBalancerInfo : undefined;
    if (!target)
      add('appspec.yml', 'Resources[0].TargetService', 'no TargetService of type AWS::ECS::Service');
    else if (target.Type !== 'AWS::ECS::Service')
      add('appspec.yml', 'Resources[0].TargetService.Type', 'must be AWS::ECS::Service');
    if (properties && !properties.TaskDefinition)
      add('appspec.yml', 'Resources[0].TargetService.Properties.TaskDefinition', 'missing');
    containerName = typeof lb?.ContainerName === 'string' ? lb.ContainerName : undefined;
    containerPort =
      typeof lb?.ContainerPort === 'number' ? lb.ContainerPort : Number(lb?.ContainerPort) || undefined;
    if (target && !containerName)
      add('appspec.yml', 'Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerName', 'missing');
    if (target && !containerPort)
      add('appspec.yml', 'Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerPort', 'missing');
  }

  const created = createdLogGroups(dir);
  for (const file of TASK_DEFINITIONS) {
    const definition = load(dir, file, findings);
    if (!isObject(definition)) continue;
    const containers = list(definition.containerDefinitions).filter(isObject);
    if (containers.length === 0) {
      add(file, 'containerDefinitions', 'no containers');
      continue;
    }
    const networkMode = typeof definition.networkMode === 'string' ? definition.networkMode : 'bridge';
    const fargate = list(definition.requiresCompatibilities).includes('FARGATE');
    if (fargate && networkMode !== 'awsvpc') {
      add(
        file,
        'networkMode',
        `${definition.networkMode === undefined ? 'missing (ECS takes "bridge")' : `"${networkMode}"`}, but requiresCompatibilities names FARGATE, which runs only "awsvpc": set "networkMode": "awsvpc"`,
      );
    } else if (networkMode === 'host' || networkMode === 'none') {
      add(
        file,
        'networkMode',
        `"${networkMode}" cannot run the new and the original task set side by side behind the load balancer; use awsvpc (or bridge with dynamic host ports)`,
      );
    }
    if (!containers.some((c) => typeof c.image === 'string' && c.image.includes('<IMAGE_URL>'))) {
      add(
        file,
        'containerDefinitions[].image',
        'no container image is the <IMAGE_URL> placeholder the pipeline replaces with the new image',
      );
    }
    if (containerName) {
      const container = containers.find((c) => c.name === containerName);
      if (!container) {
        add(
          file,
          'containerDefinitions[].name',
          `no container named "${containerName}" (appspec.yml's ContainerName); found ${containers.map((c) => `"${String(c.name)}"`).join(', ')}`,
        );
      } else {
        const where = `containerDefinitions[${containerName}]`;
        if (typeof container.image === 'string' && !container.image.includes('<IMAGE_URL>')) {
          add(
            file,
            `${where}.image`,
            `is "${container.image}", not the <IMAGE_URL> placeholder: every release would deploy that image`,
          );
        }
        const mappings = list(container.portMappings).filter(isObject);
        const mapping = mappings.find((m) => Number(m.containerPort) === containerPort);
        if (containerPort && !mapping) {
          add(
            file,
            `${where}.portMappings`,
            `no containerPort ${containerPort} (appspec.yml's ContainerPort); found ${mappings.map((m) => String(m.containerPort)).join(', ') || 'none'}`,
          );
        }
        if (
          mapping &&
          !fargate &&
          networkMode === 'bridge' &&
          mapping.hostPort !== undefined &&
          Number(mapping.hostPort) !== 0
        ) {
          add(
            file,
            `${where}.portMappings.hostPort`,
            `fixed host port ${String(mapping.hostPort)} in bridge mode: two task sets cannot share it; use 0 (dynamic) or awsvpc`,
          );
        }
      }
    }
    for (const container of containers) {
      const log = isObject(container.logConfiguration) ? container.logConfiguration : undefined;
      if (log?.logDriver !== 'awslogs') continue;
      const where = `containerDefinitions[${String(container.name)}].logConfiguration.options`;
      const options = isObject(log.options) ? log.options : {};
      const group = options['awslogs-group'];
      if (typeof group !== 'string' || group === '') {
        add(file, `${where}.awslogs-group`, 'awslogs without a log group');
      } else if (options['awslogs-create-group'] !== 'true' && !created.has(group)) {
        add(
          file,
          `${where}.awslogs-group`,
          `log group ${group} is created nowhere: set "awslogs-create-group": "true" or create it in environment.yml`,
        );
      }
      if (!definition.executionRoleArn) add(file, 'executionRoleArn', 'awslogs needs a task execution role');
    }
  }

  const buildSpec = load(dir, 'buildspec.yml', findings);
  if (isObject(buildSpec)) {
    const artifacts = isObject(buildSpec.artifacts) ? list(buildSpec.artifacts.files).map(String) : [];
    for (const needed of REQUIRED_ARTIFACTS) {
      if (!artifacts.includes(needed)) add('buildspec.yml', 'artifacts.files', `does not emit ${needed}`);
    }
    const phases = isObject(buildSpec.phases) ? buildSpec.phases : {};
    const commands = Object.values(phases).flatMap((phase) =>
      isObject(phase) ? list(phase.commands).map(String) : [],
    );
    if (!commands.some((c) => c.includes('imageDetail.json') && /[>]|tee|cat|printf|echo/.test(c))) {
      add(
        'buildspec.yml',
        'phases.post_build.commands',
        'no command writes imageDetail.json ({"ImageURI": "<repository>:<tag>"})',
      );
    }
  }
  return findings;
}

if (require.main === module) {
  // The shipped kit by default: `npm run kit:check` checks kit/, `npm run kit:check -- <dir>` yours.
  const dir = process.argv[2] ?? 'kit';
  if (!existsSync(dir)) {
    console.error(`${dir}: no such directory (usage: npm run kit:check -- <kit directory>, kit/ by default)`);
    process.exitCode = 2;
  } else {
    const findings = checkKit(dir);
    for (const f of findings) console.log(`${f.file}: ${f.field}: ${f.message}`);
    console.log(
      findings.length === 0
        ? `${dir}: the kit is ready for blue/green.`
        : `${findings.length} problem(s) found.`,
    );
    process.exitCode = findings.length === 0 ? 0 : 1;
  }
}
