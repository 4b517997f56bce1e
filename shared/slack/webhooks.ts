/**
 * Channel name → webhook URL. URLs live in SSM Parameter Store as SecureStrings (decrypted, cached
 * for five minutes per container), or come from `SLACK_WEBHOOK_URL` in local runs and tests. A
 * missing or unusable secret fails the invocation so Lambda retries; it never posts to an empty URL.
 */
import { clearSecretCacheForTests, type ParameterReader } from '../aws/secrets';
import type { RoutingConfig } from '../routing/schema';

export type WebhookResolver = (channel: string) => Promise<string>;

export class WebhookConfigError extends Error {
  override name = 'WebhookConfigError';
}

export type { ParameterReader } from '../aws/secrets';

/** https, or http on the loopback interface (local stand-ins in tests and local runs). */
function isUsableWebhook(value: string): boolean {
  try {
    const url = new URL(value.trim());
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/** Tests change SSM answers between cases; the container-wide cache must not carry them over. */
export function resetWebhookCacheForTests(): void {
  clearSecretCacheForTests();
}

export function createWebhookResolver(options: {
  routing: RoutingConfig;
  override?: string;
  readParameter: ParameterReader;
}): WebhookResolver {
  const { routing, override, readParameter } = options;
  // One read per channel per resolver, even when asked again while the first read is under way.
  const pending = new Map<string, Promise<string>>();
  const resolve = async (channel: string): Promise<string> => {
    if (override) return override;
    const definition = routing.channels[channel];
    if (!definition)
      throw new WebhookConfigError(`Channel "${channel}" is not defined in the routing config`);
    const name = definition.webhookParameter;
    let value: string | undefined;
    try {
      value = await readParameter(name);
    } catch (error) {
      const why = error instanceof Error ? error.name : 'UnknownError';
      throw new WebhookConfigError(
        `Cannot read the webhook of channel "${channel}" from SSM parameter ${name}: ${why}`,
      );
    }
    // The value is a secret: say what is wrong with it, never what it is.
    if (!value || !isUsableWebhook(value)) {
      throw new WebhookConfigError(
        `SSM parameter ${name} (channel "${channel}") does not hold an https webhook URL`,
      );
    }
    return value.trim();
  };
  return (channel) => {
    let promise = pending.get(channel);
    if (!promise) {
      promise = resolve(channel);
      pending.set(channel, promise);
    }
    return promise;
  };
}
