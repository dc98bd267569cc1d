import { Schema } from 'mongoose';
import type { WebDataKey } from '../webdata';

/** A server hit waiting for web data that has not arrived yet (late arrival). */
export interface ParkedHit {
  eventId: string;
  siteId: string;
  containerId: string;
  /** The hit's reconciliation keys, in the container's order: the first with data wins. */
  keys: WebDataKey[];
  /** The Kafka key the enriched event goes out under. */
  messageKey: string | null;
  /** The server hit envelope, as JSON. */
  envelope: string;
  parkedAt: Date;
  /** The end of the match window: then it goes out as a miss. */
  deadline: Date;
}

export interface ParkedHitRecord {
  /** The event id: parking the same hit twice (a replay) stores it once. */
  _id: string;
  siteId: string;
  containerId: string;
  /** `webDataId()` of each key, in the container's order. */
  keys: string[];
  messageKey: string | null;
  // NOTE: a string, not a sub-document: variable names may hold "." or "$".
  envelope: string;
  parkedAt: Date;
  deadline: Date;
  /** A backstop only: the sweep emits a parked hit long before. */
  expiresAt: Date;
}

/**
 * The right to emit one parked hit. Claims are only ever inserted (a unique
 * `_id` per generation), because an insert is the one write both MongoDB and
 * FerretDB make atomic: FerretDB 1.24 applies an update or a findAndModify by
 * reading, then rewriting the document, so two processes could both "win" a
 * conditional update.
 */
export interface ClaimRecord {
  /** `eventId#generation`. */
  _id: string;
  eventId: string;
  /** 1 for the first claim; a claim left by a dead process is taken over by the next. */
  generation: number;
  owner: string;
  claimedAt: Date;
  expiresAt: Date;
}

export const parkedHitSchema = new Schema<ParkedHitRecord>(
  {
    _id: { type: String, required: true },
    siteId: { type: String, required: true },
    containerId: { type: String, required: true },
    keys: { type: [String], default: [] },
    messageKey: { type: String, default: null },
    envelope: { type: String, required: true },
    parkedAt: { type: Date, required: true },
    deadline: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'pending', minimize: false },
);
// findWaitingOn(keys): a web hit looks for the hits parked on its keys.
parkedHitSchema.index({ keys: 1 });
// findDue(now): the sweep looks for hits whose window has passed.
parkedHitSchema.index({ deadline: 1 });

export const claimSchema = new Schema<ClaimRecord>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    generation: { type: Number, required: true },
    owner: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'pending_claims' },
);
// claim(eventIds): the claims already taken on these hits.
claimSchema.index({ eventId: 1 });
