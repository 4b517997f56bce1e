export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** `arn:partition:service:region:account:resource` (the resource may itself contain colons). */
export function parseArn(value: string | undefined): Arn | undefined {
  if (!value) return undefined;
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** `arn:…:task-definition/shop-api:42` → `shop-api:42` (anything else as it is). */
export function taskDefinitionName(arn: string): string {
  return parseArn(arn)?.resource.replace(/^task-definition\//, '') ?? arn;
}

/** The readable name in an IAM ARN: the user, or the session of an assumed role. */
export function principalName(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const parsed = parseArn(arn);
  if (!parsed) return arn;
  const parts = parsed.resource.split('/');
  return parts[parts.length - 1] || parsed.resource;
}
