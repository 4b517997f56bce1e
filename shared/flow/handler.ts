/**
 * The handler every notifier is: parse (SNS unwrapped once) → the source's models → notify each.
 * A source gives its schema, how its events become models (`modelsOf`: what its describer needs
 * from the event and the routing config, or why it stays quiet), its describer and its AWS reads.
 */
import type { Context } from 'aws-lambda';
import type * as v from 'valibot';
import { parseEvents } from '../input/parse';
import type { Source } from '../notice/notice';
import { isQuiet, type Quiet } from '../notice/quiet';
import { describeUnreadable } from '../notice/unreadable';
import type { RoutingConfig } from '../routing/schema';
import { type Describer, notify, send } from './notify';
import { createRuntime, type RuntimeExtras } from './runtime';

/**
 * How a source's parsed events become models: what its describer needs, or why it stays quiet.
 * `now` (epoch ms) is the handler's clock, so that describers stay pure.
 */
type ModelsOf<I, M> = (input: I, routing: RoutingConfig, now: number) => Array<M | Quiet>;

export function eventHandler<I, M, X, R = never>(
  source: Source,
  schema: v.GenericSchema<unknown, I>,
  modelsOf: ModelsOf<I, M>,
  describer: Describer<M, X, R>,
  extras: RuntimeExtras = {},
) {
  return async (input: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> => {
    const runtime = createRuntime(context, extras);
    const { events, rejected } = parseEvents(input, schema);
    for (const reject of rejected) {
      runtime.log.error('Event could not be read', {
        source: source,
        label: reject.label,
        reason: reject.reason,
      });
      await send(runtime, describeUnreadable(source, reject, runtime.config.region));
    }
    for (const event of events) {
      for (const model of modelsOf(event, runtime.routing, runtime.now())) {
        if (isQuiet(model)) {
          runtime.log.info('Notice not sent', { source: source, reason: model.quiet, ...model.about });
          continue;
        }
        await notify(runtime, model, describer);
      }
    }
  };
}
