import { Schema } from 'mongoose';

/** A value the browser sent, with the time of the web hit that carried it. */
export interface Stamped<T> {
  at: Date;
  value: T;
}

export interface StampedPage {
  at: Date;
  url: string | null;
  referrer: string | null;
}

/** One reconciliation key of one site, e.g. `{ siteId: "shop", name: "user_id", value: "42" }`. */
export interface WebDataKey {
  siteId: string;
  name: string;
  value: string;
}

/**
 * What the browser told us about one visitor key: every cookie, variable and
 * consent category with the time it was collected (newest wins per field).
 */
export interface WebData {
  key: WebDataKey;
  cookies: Record<string, Stamped<string>>;
  variables: Record<string, Stamped<unknown>>;
  consent: Record<string, Stamped<boolean>>;
  page: StampedPage | null;
  /** When the newest web hit of this key arrived. */
  collectedAt: Date;
  /** Last hit + the container's web-data TTL; never joined after it. */
  expiresAt: Date;
}

/**
 * As stored: one document per (siteId, key name, key value), `_id` =
 * `siteId:name:value` (neither a site id nor a key name contains ":").
 *
 * NOTE: field names inside `cookies`, `variables` and `consent` are escaped
 * (`webdata.fields.ts`): a variable called `a.b` or `$x` would otherwise be
 * read as a path or an operator by `$max`.
 *
 * NOTE: each stamped value is `{ at, value }` in that order, so `$max` on the
 * whole sub-document keeps the newest one (BSON compares documents field by
 * field): merging needs no read, and replaying a hit changes nothing.
 */
export interface WebDataRecord {
  _id: string;
  cookies: Record<string, Stamped<string>>;
  variables: Record<string, Stamped<unknown>>;
  consent: Record<string, Stamped<boolean>>;
  page: StampedPage | null;
  collectedAt: Date;
  expiresAt: Date;
}

export const webDataSchema = new Schema<WebDataRecord>(
  {
    _id: { type: String, required: true },
    cookies: { type: Schema.Types.Mixed, default: {} },
    variables: { type: Schema.Types.Mixed, default: {} },
    consent: { type: Schema.Types.Mixed, default: {} },
    page: { type: Schema.Types.Mixed, default: null },
    collectedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'webdata', minimize: false },
);
// The `expiresAt` TTL index (or the sweeper's index) is created by ensureTtlIndex().
// findLive() and merge() go by `_id` only: the default index serves them.
