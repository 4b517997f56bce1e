/**
 * SecureString parameters from SSM, decrypted, cached per container for five minutes (also while
 * a first read is under way). A small reader of our own rather than Powertools Parameters: it does
 * the one thing Herald needs in about 1 KB instead of 10 KB of every bundle (`npm run bench`).
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { keep } from '../lambda/container';

export const SECRET_CACHE_SECONDS = 300;

export type ParameterReader = (name: string) => Promise<string | undefined>;

interface Entry {
  value: Promise<string | undefined>;
  expires: number;
}

const cache = keep<string, Entry>();

export function ssmParameterReader(
  client: Pick<SSMClient, 'send'>,
  now: () => number = Date.now,
): ParameterReader {
  return (name) => {
    const hit = cache.get(name);
    if (hit && hit.expires > now()) return hit.value;
    const value = client
      .send(new GetParameterCommand({ Name: name, WithDecryption: true }))
      .then((answer) => answer.Parameter?.Value);
    cache.set(name, { value, expires: now() + SECRET_CACHE_SECONDS * 1000 });
    // A failed read is not remembered: the next invocation tries again.
    value.catch(() => cache.delete(name));
    return value;
  };
}
