/**
 * The one wrapper every handler uses: the Lambda context on every log line of the invocation, one
 * clear error line before a failure is handed back to Lambda (which retries, then keeps the event
 * in the DLQ), and the writes started `afterwards` finished before the invocation ends.
 */
import type { Context } from 'aws-lambda';
import { settleAfterwards } from './afterwards';
import { logger } from './logger';

let coldStart = true;

/** Waits for the `afterwards` writes, at most until a second before the invocation's deadline. */
async function settleWithin(context: Context): Promise<void> {
  const remaining =
    typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, remaining - 1000));
  });
  const outcome = await Promise.race([settleAfterwards().then(() => 'done' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late')
    logger.warn('Writes kept for later events did not end in time; later events learn them again');
}

export function withHerald<TEvent, TResult>(
  name: string,
  handler: (event: TEvent, context: Context) => Promise<TResult>,
): (event: TEvent, context: Context) => Promise<TResult> {
  return async (event, context) => {
    logger.setInvocation({
      cold_start: coldStart,
      function_name: context.functionName,
      function_memory_size: context.memoryLimitInMB ? Number(context.memoryLimitInMB) : undefined,
      function_arn: context.invokedFunctionArn,
      function_request_id: context.awsRequestId,
    });
    coldStart = false;
    try {
      return await handler(event, context);
    } catch (error) {
      logger.error(`${name} invocation failed`, {
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      throw error;
    } finally {
      // Writes kept off the way to Slack end before Lambda may freeze the container, within its time.
      await settleWithin(context);
      logger.setInvocation({});
    }
  };
}
