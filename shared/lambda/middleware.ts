/**
 * The one wrapper every handler uses: Lambda context on every log line, one clear error line
 * before a failure is handed back to Lambda (which retries, then keeps the event in the DLQ), and
 * the writes started `afterwards` finished before the invocation ends.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { settleAfterwards } from './afterwards';
import { logger } from './logger';

export function withHerald<TEvent, TResult>(
  name: string,
  handler: (event: TEvent, context: Context) => Promise<TResult>,
) {
  return middy<TEvent, TResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: async (request) => {
        const error = request.error;
        logger.error(`${name} invocation failed`, {
          error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
      },
    })
    .handler(async (event, context) => {
      try {
        return await handler(event, context);
      } finally {
        // Writes kept off the way to Slack end before Lambda may freeze the container.
        await settleAfterwards();
      }
    });
}
