/** A model that is not announced at all (a filtered repository, expected churn), and why. */
export interface Quiet {
  quiet: string;
  /** What to log beside the reason (cluster, service, …). */
  about?: Record<string, string>;
}

export function isQuiet(model: unknown): model is Quiet {
  return typeof model === 'object' && model !== null && 'quiet' in model;
}
