/**
 * Offline CloudFormation validation against the resource schema database that ships in
 * `@aws-cdk/aws-service-spec`: known resource types, known property names at every nesting level,
 * required properties, and references (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `DependsOn`) to things
 * that exist. Values built by intrinsic functions are not second-guessed.
 */
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { Property, PropertyType, Resource, SpecDatabase } from '@aws-cdk/service-spec-types';

export interface Template {
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[]; Condition?: string }
  >;
  Outputs?: Record<string, { Value: unknown }>;
}

let database: Promise<SpecDatabase> | undefined;

export function specDatabase(): Promise<SpecDatabase> {
  database ??= loadAwsServiceSpec();
  return database;
}

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function intrinsicName(value: Json): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key = ''] = keys;
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

export async function validateTemplate(template: Template): Promise<string[]> {
  const db = await specDatabase();
  const problems: string[] = [];
  const resources = template.Resources ?? {};
  const parameters = template.Parameters ?? {};
  const specs = new Map<string, Resource | undefined>();

  const specOf = (type: string): Resource | undefined => {
    if (!specs.has(type)) specs.set(type, db.lookup('resource', 'cloudFormationType', 'equals', type)[0]);
    return specs.get(type);
  };

  const checkGetAtt = (where: string, logicalId: string, attribute: string) => {
    const target = resources[logicalId];
    if (!target) {
      problems.push(`${where}: Fn::GetAtt names unknown resource ${logicalId}`);
      return;
    }
    const spec = specOf(target.Type);
    if (spec && !(attribute in spec.attributes)) {
      problems.push(
        `${where}: ${target.Type} has no attribute ${attribute} (Fn::GetAtt ${logicalId}.${attribute})`,
      );
    }
  };

  const checkName = (where: string, name: string) => {
    if (!(name in resources) && !(name in parameters) && !PSEUDO_PARAMETERS.has(name)) {
      problems.push(`${where}: reference to unknown resource or parameter ${name}`);
    }
  };

  /** Walk any value for intrinsic references. */
  const checkReferences = (where: string, value: Json, subVariables: Set<string> = new Set()) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        checkReferences(`${where}[${i}]`, item, subVariables);
      });
      return;
    }
    if (!isObject(value)) return;
    const intrinsic = intrinsicName(value);
    if (intrinsic === 'Ref') {
      if (typeof value.Ref === 'string') checkName(where, value.Ref);
      return;
    }
    if (intrinsic === 'Fn::GetAtt') {
      const arg = value['Fn::GetAtt'];
      const [logicalId, ...rest] = Array.isArray(arg) ? arg : typeof arg === 'string' ? arg.split('.') : [];
      if (typeof logicalId === 'string' && rest.every((part) => typeof part === 'string')) {
        checkGetAtt(where, logicalId, rest.join('.'));
      } else {
        problems.push(`${where}: malformed Fn::GetAtt`);
      }
      return;
    }
    if (intrinsic === 'Fn::Sub') {
      const arg = value['Fn::Sub'];
      const [text, variables] = Array.isArray(arg) ? arg : [arg, {}];
      const local = new Set(isObject(variables) ? Object.keys(variables) : []);
      if (isObject(variables)) checkReferences(`${where}.Fn::Sub`, variables);
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = match[1] ?? '';
          if (local.has(name) || subVariables.has(name)) continue;
          const [logicalId = '', ...attribute] = name.split('.');
          if (attribute.length > 0 && !PSEUDO_PARAMETERS.has(name))
            checkGetAtt(where, logicalId, attribute.join('.'));
          else checkName(where, name);
        }
      }
      return;
    }
    for (const [key, inner] of Object.entries(value)) checkReferences(`${where}.${key}`, inner, subVariables);
  };

  const checkValue = (where: string, value: Json, type: PropertyType): string[] => {
    if (intrinsicName(value)) return [];
    switch (type.type) {
      case 'string':
      case 'number':
      case 'integer':
      case 'boolean':
      case 'date-time':
        return isObject(value) || Array.isArray(value) ? [`${where}: expected a ${type.type}`] : [];
      case 'json':
      case 'null':
        return [];
      case 'tag':
        return isObject(value)
          ? checkProperties(where, value, {
              Key: { type: { type: 'string' }, required: true },
              Value: { type: { type: 'string' }, required: true },
            })
          : [`${where}: expected a tag`];
      case 'array':
        if (!Array.isArray(value)) return [`${where}: expected a list`];
        return value.flatMap((item, i) => checkValue(`${where}[${i}]`, item, type.element));
      case 'map':
        if (!isObject(value)) return [`${where}: expected a map`];
        return Object.entries(value).flatMap(([key, inner]) =>
          checkValue(`${where}.${key}`, inner, type.element),
        );
      case 'union': {
        const attempts = type.types.map((t) => checkValue(where, value, t));
        return attempts.some((found) => found.length === 0)
          ? []
          : (attempts.sort((a, b) => a.length - b.length)[0] ?? []);
      }
      case 'ref': {
        const definition = db.get('typeDefinition', type.reference);
        if (!isObject(value)) return [`${where}: expected an object (${definition.name})`];
        return checkProperties(where, value, definition.properties);
      }
      default:
        return [];
    }
  };

  function checkProperties(
    where: string,
    value: Record<string, Json>,
    properties: Record<string, Property>,
  ): string[] {
    const found: string[] = [];
    for (const [name, inner] of Object.entries(value)) {
      const property = properties[name];
      if (!property) {
        found.push(`${where}: unknown property ${name}`);
        continue;
      }
      found.push(...checkValue(`${where}.${name}`, inner, property.type));
    }
    for (const [name, property] of Object.entries(properties)) {
      if (property.required && !(name in value)) found.push(`${where}: missing required property ${name}`);
    }
    return found;
  }

  for (const [logicalId, resource] of Object.entries(resources)) {
    const where = `Resources.${logicalId}`;
    if (resource.Condition !== undefined && !(resource.Condition in (template.Conditions ?? {})))
      problems.push(`${where}: Condition ${resource.Condition} is not defined under Conditions`);
    if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') {
      checkReferences(where, resource.Properties ?? {});
      continue;
    }
    const spec = specOf(resource.Type);
    if (!spec) {
      problems.push(`${where}: unknown resource type ${resource.Type}`);
      continue;
    }
    problems.push(...checkProperties(`${where}.Properties`, resource.Properties ?? {}, spec.properties));
    checkReferences(`${where}.Properties`, resource.Properties ?? {});
    const dependsOn = resource.DependsOn === undefined ? [] : ([] as string[]).concat(resource.DependsOn);
    for (const target of dependsOn) {
      if (!(target in resources)) problems.push(`${where}.DependsOn: unknown resource ${target}`);
    }
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    checkReferences(`Outputs.${name}.Value`, output.Value);
  }
  return problems;
}
