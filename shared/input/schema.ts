/** Schema pieces for the type drift real AWS events have (DESIGN.md, "Real events are messy"). */
import * as v from 'valibot';

/** `text` as JSON of `schema`'s shape, or undefined for anything else (not JSON, wrong shape). */
export function parseJsonAs<T>(schema: v.GenericSchema<unknown, T>, text: string): T | undefined {
  try {
    const result = v.safeParse(schema, JSON.parse(text));
    return result.success ? result.output : undefined;
  } catch {
    return undefined;
  }
}

/** A number that may arrive as a string (`"1"`, `"2.0"`); unreadable values become undefined. */
export const numberish = v.pipe(
  v.union([v.number(), v.string()]),
  v.transform((value): number | undefined => {
    const n = typeof value === 'number' ? value : Number(value.trim());
    return value === '' || !Number.isFinite(n) ? undefined : n;
  }),
);

/** A string that may be missing or null; empty strings and the text "null" count as missing. */
export const maybeString = v.optional(
  v.pipe(
    v.nullable(v.union([v.string(), v.number()])),
    v.transform((value): string | undefined => {
      if (value === null) return undefined;
      const text = String(value);
      return text === '' || text === 'null' ? undefined : text;
    }),
  ),
);

/** A boolean that may arrive as `"True"`/`"false"`. */
export const booleanish = v.pipe(
  v.union([v.boolean(), v.string()]),
  v.transform((value) => (typeof value === 'boolean' ? value : value.trim().toLowerCase() === 'true')),
);

/** The EventBridge envelope fields every source reads (`source` and `detail-type` are each schema's own). */
export const eventBridgeEnvelope = {
  account: v.string(),
  region: v.string(),
  time: maybeString,
  resources: v.optional(v.array(v.string())),
};
