import { z } from 'zod';
import { PARTNERS } from './topics';

/**
 * The configuration a customer manages: sites, their containers (one per
 * website or app: write keys, origins, reconciliation keys…) and the
 * destinations each container sends to. `admin config import` reads this
 * shape from YAML; the store keeps it; every service caches it.
 */
const id = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'letters, digits, "_" and "-", at most 64 characters');
const name = z
  .string()
  .regex(/^[a-zA-Z0-9_.$-]{1,64}$/, 'a variable or cookie name (letters, digits, _ . $ -)');

export const IP_ANONYMIZATION = ['none', 'truncate', 'drop'] as const;

export const containerConfigSchema = z.object({
  containerId: id,
  /** Accepted write keys (server hits). Stored as SHA-256 digests only. */
  writeKeys: z.array(z.string().min(16, 'at least 16 characters')).default([]),
  /** Origins allowed to send web hits, e.g. `https://shop.example`. */
  allowedOrigins: z.array(z.url()).default([]),
  /** Reconciliation key names, in precedence order: the first that matches wins. */
  reconciliationKeys: z.array(name).min(1).default(['user_id']),
  /** Cookies the browser tag reads and sends. */
  cookies: z.array(name).default([]),
  /** Data-layer variables the browser tag reads and sends. */
  variables: z.array(name).default([]),
  /** Hits per second accepted for this container; 0 means no limit. */
  rateLimitPerSecond: z.number().int().min(0).default(0),
  ipAnonymization: z.enum(IP_ANONYMIZATION).default('truncate'),
  /** How long web data is kept for joining. */
  webDataTtlSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
  /** How long a server hit may wait for late web data; 0 = off. */
  matchWindowMs: z.number().int().min(0).max(3_600_000).default(0),
});

export const destinationConfigSchema = z.object({
  destinationId: id,
  partner: z.enum(PARTNERS),
  enabled: z.boolean().default(true),
  /** Partner credentials (pixel id and token, measurement id and secret…). */
  credentials: z.record(z.string(), z.string()).default({}),
  /**
   * Partner field → expression over the enriched event (JSONata). Nested
   * fields are written with `/` (`user_data/em`): the store refuses `.` in keys.
   */
  mapping: z
    .record(
      z
        .string()
        .regex(
          /^[^.$][^.]*$/,
          'use "/" between levels (e.g. user_data/em); "." and a leading "$" are not allowed',
        ),
      z.string(),
    )
    .default({}),
  /** Expression that must be true for an event to be sent (JSONata). */
  filter: z.string().optional(),
  /** Consent category the visitor must have granted, e.g. `marketing`. */
  consentCategory: z.string().optional(),
  /** Connector options: base URL, batch size, rate limit, concurrency… */
  options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

export const siteConfigSchema = z.object({
  siteId: id,
  name: z.string().min(1).max(200),
  containers: z.array(
    containerConfigSchema.extend({ destinations: z.array(destinationConfigSchema).default([]) }),
  ),
});

export const configFileSchema = z.object({ sites: z.array(siteConfigSchema).min(1) });

export type ContainerConfig = z.infer<typeof containerConfigSchema>;
export type DestinationConfig = z.infer<typeof destinationConfigSchema>;
export type SiteConfig = z.infer<typeof siteConfigSchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;
