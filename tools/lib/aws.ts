/**
 * What the admin tools (doctor, redrive, metrics) share: how they run as commands, the SDK clients'
 * options (the SDK's default credential chain, an optional region), an error's name (never its
 * body, which could hold a value), and the errors no call can get past (no credentials, no
 * region), said in one line.
 */

/** A client as the tools use it: something to `send` commands to (a real client, or a test's). */
export type Send<C extends { send: unknown }> = Pick<C, 'send'>;

export function clientOptions(region: string | undefined) {
  return { ...(region ? { region } : {}), maxAttempts: 3 };
}

/** The error an SDK or Slack call failed with, by name. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name || 'Error' : 'Error';
}

/** No credentials or no region: nothing can be checked; the run stops and says how to fix it. */
export class SetupError extends Error {
  override name = 'SetupError';
}

/** Throws a SetupError for an error every call would hit; returns otherwise. */
export function stopOnSetup(error: unknown): void {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message))
    throw new SetupError(
      'no AWS credentials found: set AWS_PROFILE (and aws sso login) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    );
  if (/Region is missing/i.test(message))
    throw new SetupError('no AWS region: pass --region or set AWS_REGION');
}

/**
 * Runs a tool's `main` when its file is the command (`npm run <tool>`): its exit code, or 1 and
 * one line on stderr when it threw (`describe` says the error; by default its name and message).
 */
export function runAsCommand(
  name: string,
  main: (argv: string[]) => Promise<number>,
  describe: (error: unknown) => string = (error) =>
    error instanceof Error ? `${error.name}: ${error.message}` : String(error),
): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`${name} failed: ${describe(error)}`);
      process.exitCode = 1;
    },
  );
}
