import { Schema } from 'mongoose';
import {
  ContainerConfig,
  DestinationConfig,
  IP_ANONYMIZATION,
  PARTNERS,
} from '@tagrelay/contracts';

/** A container as stored: write keys only as SHA-256 digests. */
export interface ContainerRecord extends Omit<ContainerConfig, 'writeKeys'> {
  siteId: string;
  siteName: string;
  writeKeyDigests: string[];
  /** Bumped by every import that changes the container; caches key on it. */
  version: number;
  updatedAt: Date;
}

export interface DestinationRecord extends Omit<DestinationConfig, 'filter' | 'consentCategory'> {
  /** Absent in the file is stored as null, so an import can clear it. */
  filter: string | null;
  consentCategory: string | null;
  siteId: string;
  containerId: string;
  version: number;
  updatedAt: Date;
  /** Set when the partner told us to stop (webhook 410), with the reason. */
  disabledReason?: string | null;
}

export const containerSchema = new Schema<ContainerRecord>(
  {
    siteId: { type: String, required: true },
    siteName: { type: String, required: true },
    containerId: { type: String, required: true },
    writeKeyDigests: { type: [String], default: [] },
    allowedOrigins: { type: [String], default: [] },
    reconciliationKeys: { type: [String], default: [] },
    cookies: { type: [String], default: [] },
    variables: { type: [String], default: [] },
    rateLimitPerSecond: { type: Number, default: 0 },
    ipAnonymization: { type: String, enum: IP_ANONYMIZATION, default: 'truncate' },
    webDataTtlSeconds: { type: Number, required: true },
    matchWindowMs: { type: Number, default: 0 },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'containers', minimize: false },
);
// findContainer(siteId, containerId) and the import's upsert.
containerSchema.index({ siteId: 1, containerId: 1 }, { unique: true });

export const destinationSchema = new Schema<DestinationRecord>(
  {
    siteId: { type: String, required: true },
    containerId: { type: String, required: true },
    destinationId: { type: String, required: true },
    partner: { type: String, enum: PARTNERS, required: true },
    enabled: { type: Boolean, default: true },
    credentials: { type: Schema.Types.Mixed, default: {} },
    mapping: { type: Schema.Types.Mixed, default: {} },
    filter: { type: String, default: null },
    consentCategory: { type: String, default: null },
    options: { type: Schema.Types.Mixed, default: {} },
    disabledReason: { type: String, default: null },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'destinations', minimize: false },
);
// The import's upsert, and disabling one destination.
destinationSchema.index({ siteId: 1, containerId: 1, destinationId: 1 }, { unique: true });
// listDestinations(partner): each dispatcher loads its partner's destinations.
destinationSchema.index({ partner: 1 });
