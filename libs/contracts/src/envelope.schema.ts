import { z } from 'zod';

/** Schema version of the hit envelope; bump it with every incompatible change. */
export const HIT_ENVELOPE_VERSION = 1;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalar>;
/** Variables are one level of scalars or arrays/objects of them (data layers). */
const variableValue = z.union([scalar, z.array(z.unknown()), z.record(z.string(), z.unknown())]);

const commonEnvelope = z.object({
  v: z.literal(HIT_ENVELOPE_VERSION),
  eventId: z.string().min(1).max(64),
  siteId: z.string().min(1).max(64),
  containerId: z.string().min(1).max(64),
  receivedAt: z.iso.datetime(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  variables: z.record(z.string(), variableValue),
  /** The container's reconciliation keys found in the hit, e.g. `{ user_id: "42" }`. */
  keys: z.record(z.string(), z.string()),
});

export const serverHitEnvelopeSchema = commonEnvelope.extend({
  kind: z.literal('server'),
});

export const webHitEnvelopeSchema = commonEnvelope.extend({
  kind: z.literal('web'),
  cookies: z.record(z.string(), z.string()),
  consent: z.record(z.string(), z.boolean()),
  page: z.object({ url: z.string().nullable(), referrer: z.string().nullable() }),
});

export const hitEnvelopeSchema = z.discriminatedUnion('kind', [
  serverHitEnvelopeSchema,
  webHitEnvelopeSchema,
]);

export type ServerHitEnvelope = z.infer<typeof serverHitEnvelopeSchema>;
export type WebHitEnvelope = z.infer<typeof webHitEnvelopeSchema>;
export type HitEnvelope = z.infer<typeof hitEnvelopeSchema>;
