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
