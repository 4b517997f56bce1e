/**
 * Work that nothing in the invocation waits for, kept off the way to Slack and finished before the
 * invocation ends (withHerald waits for it), since Lambda freezes a container once its handler has
 * returned. Work given as a function (a write: a learnt pipeline's structure, what a release ships,
 * the release history) waits while a notice is on its way to Slack (`offTheWay`), so that its CPU
 * and round trips come after the messages; work already under way (a read started early, in case
 * it is needed) is only tracked. A failure is logged at warn level, saying what it costs.
 */
import { logger } from './logger';

const pending = new Set<Promise<void>>();
const held: Array<() => void> = [];
let holding = 0;

type Work = Promise<unknown> | (() => Promise<unknown>);

/** `what` fails saying `lost` (default: a later event learns it again). */
export function afterwards(what: string, work: Work, lost = 'a later event learns it again'): void {
  const start = () => track(what, lost, typeof work === 'function' ? Promise.resolve().then(work) : work);
  if (typeof work === 'function' && holding > 0) held.push(start);
  else start();
}

function track(what: string, lost: string, work: Promise<unknown>): void {
  const settled: Promise<void> = work
    .then(
      () => undefined,
      (error: unknown) => {
        logger.warn(`Could not keep ${what}; ${lost}`, {
          error: error instanceof Error ? error.name : String(error),
        });
      },
    )
    .finally(() => pending.delete(settled));
  pending.add(settled);
}

/** Runs a notice's way to Slack; the `afterwards` work given meanwhile starts once it is over. */
export async function offTheWay<T>(run: () => Promise<T>): Promise<T> {
  holding++;
  try {
    return await run();
  } finally {
    holding--;
    if (holding === 0) for (const start of held.splice(0)) start();
  }
}

/** Waits for every piece of `afterwards` work (and the work it starts). */
export async function settleAfterwards(): Promise<void> {
  for (const start of held.splice(0)) start();
  while (pending.size > 0) await Promise.all([...pending]);
}
