import { z } from 'zod';
import { serverHitEnvelopeSchema } from './envelope.schema';

export const ENRICHMENT_RESULTS = ['matched', 'miss', 'late'] as const;

/** What the browser contributed to a server hit, found by reconciliation key. */
export const webContributionSchema = z.object({
  /** e.g. `{ name: "user_id", value: "42" }` */
  matchedKey: z.object({ name: z.string(), value: z.string() }),
  cookies: z.record(z.string(), z.string()),
  variables: z.record(z.string(), z.unknown()),
  consent: z.record(z.string(), z.boolean()),
  page: z.object({ url: z.string().nullable(), referrer: z.string().nullable() }).nullable(),
  /** When the newest web hit of this data arrived. */
  collectedAt: z.iso.datetime(),
});

/** `events.enriched`: a server hit with the web data of its visitor, if any. */
export const enrichedEventSchema = serverHitEnvelopeSchema.extend({
  web: webContributionSchema.nullable(),
  enrichment: z.enum(ENRICHMENT_RESULTS),
  enrichedAt: z.iso.datetime(),
});

export type WebContribution = z.infer<typeof webContributionSchema>;
export type EnrichedEvent = z.infer<typeof enrichedEventSchema>;
