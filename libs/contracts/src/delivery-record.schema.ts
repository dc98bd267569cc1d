import { z } from 'zod';
import { PARTNERS } from './topics';

export const DELIVERY_STATUSES = ['delivered', 'retrying', 'failed', 'filtered'] as const;
export const DELIVERY_RECORD_VERSION = 1;

/** `deliveries`: one outcome of one event at one destination. */
export const deliveryRecordSchema = z.object({
  v: z.literal(DELIVERY_RECORD_VERSION),
  eventId: z.string(),
  siteId: z.string(),
  containerId: z.string(),
  partner: z.enum(PARTNERS),
  destinationId: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  httpStatus: z.number().int().nullable(),
  attempts: z.number().int().min(0),
  latencyMs: z.number().min(0).nullable(),
  /** Why it was filtered, retried or failed. */
  reason: z.string().nullable(),
  /** The outgoing request body with personal data redacted. */
  request: z.unknown().optional(),
  at: z.iso.datetime(),
});

export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;
