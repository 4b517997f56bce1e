/**
 * What one Lambda container keeps between invocations: its configuration, its routing, its SDK
 * and Slack clients, cached secrets and task definitions. Everything kept is made through `once`
 * or `keep` here, so that `resetForTests()` gives a test a fresh container in one call.
 */

const resets: Array<() => void> = [];

/**
 * A getter that makes its value on first call and keeps it. Marked pure at its call sites so that
 * esbuild drops the getters (and the SDK clients behind them) a function never calls.
 */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  resets.push(() => {
    made = undefined;
  });
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/** A map kept for the life of the container (caches of secrets, task definitions, …). */
export function keep<K, V>(): Map<K, V> {
  const map = new Map<K, V>();
  resets.push(() => map.clear());
  return map;
}

/** Tests change the environment, routing files and AWS answers between cases: forget everything kept. */
export function resetForTests(): void {
  for (const reset of resets) reset();
}
