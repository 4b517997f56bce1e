/**
 * Writes that nothing in the invocation waits for (a learnt pipeline's structure, what a release
 * ships), kept off the way to Slack: started at once, and finished before the invocation ends
 * (withHerald waits for them), since Lambda freezes a container once its handler has returned.
 * A failure is logged at warn level: what it kept is learnt again by a later event.
 */
import { logger } from './logger';

const pending = new Set<Promise<void>>();

export function afterwards(what: string, work: Promise<unknown>): void {
  const settled: Promise<void> = work
    .then(
      () => undefined,
      (error: unknown) => {
        logger.warn(`Could not keep ${what}; a later event learns it again`, {
          error: error instanceof Error ? error.name : String(error),
        });
      },
    )
    .finally(() => pending.delete(settled));
  pending.add(settled);
}

/** Waits for every write started with `afterwards` (and those they start). */
export async function settleAfterwards(): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending]);
}
