/** Schema pieces for the type drift real AWS events have (DESIGN.md, "Real events are messy"). */
import * as z from 'zod/mini';

/** `text` as JSON of `schema`'s shape, or undefined for anything else (not JSON, wrong shape). */
export function parseJsonAs<T>(schema: z.ZodMiniType<T>, text: string): T | undefined {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** A number that may arrive as a string (`"1"`, `"2.0"`); unreadable values become undefined. */
export const numberish = z.pipe(
  z.union([z.number(), z.string()]),
  z.transform((value): number | undefined => {
    const n = typeof value === 'number' ? value : Number(value.trim());
    return value === '' || !Number.isFinite(n) ? undefined : n;
  }),
);

/** A string that may be missing or null; empty strings and the text "null" count as missing. */
export const maybeString = z.optional(
  z.pipe(
    z.nullable(z.union([z.string(), z.number()])),
    z.transform((value): string | undefined => {
      if (value === null) return undefined;
      const text = String(value);
      return text === '' || text === 'null' ? undefined : text;
    }),
  ),
);

/** A boolean that may arrive as `"True"`/`"false"`. */
export const booleanish = z.pipe(
  z.union([z.boolean(), z.string()]),
  z.transform((value) => (typeof value === 'boolean' ? value : value.trim().toLowerCase() === 'true')),
);

/** The EventBridge envelope fields every source reads (`source` and `detail-type` are each schema's own). */
export const eventBridgeEnvelope = {
  account: z.string(),
  region: z.string(),
  time: maybeString,
  resources: z.optional(z.array(z.string())),
};
