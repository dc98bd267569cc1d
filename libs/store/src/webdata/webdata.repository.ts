import { Connection, Model, mongo } from 'mongoose';
import { ensureTtlIndex, TtlHandle, TtlOptions } from '../ttl-index';
import { duplicateIndexes } from './duplicate-keys';
import { decodeFieldName, encodeFieldName, parseWebDataId, webDataId } from './webdata.keys';
import { mergeWebData } from './webdata.merge';
import { Stamped, WebData, WebDataKey, webDataSchema, WebDataRecord } from './webdata.schema';

export interface WebDataMergeSummary {
  /** Keys seen for the first time (or again after they expired). */
  inserted: number;
  /** Keys whose stored data was merged with the new values. */
  merged: number;
}

/** Web data per reconciliation key (DESIGN.md, `webdata`): merged on each web hit, TTL'd. */
export class WebDataRepository {
  private readonly model: Model<WebDataRecord>;

  constructor(connection: Connection) {
    this.model = connection.model<WebDataRecord>('WebData', webDataSchema);
  }

  /** Expiry at `expiresAt`: a TTL index, or a sweeper where the server has none. */
  ensureIndexes(ttl: Omit<TtlOptions, 'field'>): Promise<TtlHandle> {
    return ensureTtlIndex(this.model, { ...ttl, field: 'expiresAt' });
  }

  /**
   * Merges each key's new data into what is stored, newest value per field.
   * Idempotent: merging the same data again changes nothing.
   *
   * NOTE: an insert first, then `$max` only for the keys that already
   * existed. On MongoDB both are indexed by `_id`; on FerretDB 1.24 (SQLite)
   * every update scans the whole collection, while an insert does not, so a
   * batch of mostly new visitors costs one statement instead of one scan each.
   */
  async merge(updates: WebData[], now: Date): Promise<WebDataMergeSummary> {
    const byId = new Map<string, WebData>();
    for (const update of updates) {
      const id = webDataId(update.key);
      const previous = byId.get(id);
      byId.set(id, previous ? mergeWebData(previous, update) : update);
    }
    const entries = [...byId];
    if (entries.length === 0) return { inserted: 0, merged: 0 };

    let existing: [string, WebData][] = [];
    try {
      await this.collection.insertMany(
        entries.map(([id, data]) => toRecord(id, data)),
        { ordered: false },
      );
    } catch (error) {
      const duplicates = duplicateIndexes(error);
      if (duplicates === null) throw error;
      existing = duplicates.map((index) => entries[index]);
    }
    if (existing.length > 0) {
      // TRICKY: a document past `expiresAt` may still be there (the TTL
      // monitor is late); merging into it would bring expired values back.
      // Ordered: the delete runs before the upserts that recreate the key.
      await this.collection.bulkWrite(
        [
          {
            deleteMany: {
              filter: { _id: { $in: existing.map(([id]) => id) }, expiresAt: { $lte: now } },
            },
          },
          ...existing.map(([id, data]) => ({
            updateOne: { filter: { _id: id }, update: { $max: maxFields(data) }, upsert: true },
          })),
        ],
        { ordered: true },
      );
    }
    return { inserted: entries.length - existing.length, merged: existing.length };
  }

  /** The web data of these keys that has not expired at `now`, by `webDataId()`. */
  async findLive(keys: WebDataKey[], now: Date): Promise<Map<string, WebData>> {
    const ids = [...new Set(keys.map(webDataId))];
    if (ids.length === 0) return new Map();
    const records = await this.collection
      .find({ _id: { $in: ids }, expiresAt: { $gt: now } })
      .toArray();
    return new Map(records.map((record) => [record._id, fromRecord(record)]));
  }

  private get collection(): mongo.Collection<WebDataRecord> {
    // NOTE: the driver's collection: no per-document casting on the hot path;
    // the records are plain objects already.
    return this.model.collection as unknown as mongo.Collection<WebDataRecord>;
  }
}

function toRecord(id: string, data: WebData): WebDataRecord {
  return {
    _id: id,
    cookies: encodeFields(data.cookies),
    variables: encodeFields(data.variables),
    consent: encodeFields(data.consent),
    page: data.page && { at: data.page.at, url: data.page.url, referrer: data.page.referrer },
    collectedAt: data.collectedAt,
    expiresAt: data.expiresAt,
  };
}

function fromRecord(record: WebDataRecord): WebData {
  return {
    key: parseWebDataId(record._id),
    cookies: decodeFields(record.cookies),
    variables: decodeFields(record.variables),
    consent: decodeFields(record.consent),
    page: record.page ?? null,
    collectedAt: record.collectedAt,
    expiresAt: record.expiresAt,
  };
}

/** `$max` operands: one path per field, so each keeps its own newest value. */
function maxFields(data: WebData): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    collectedAt: data.collectedAt,
    expiresAt: data.expiresAt,
  };
  for (const group of ['cookies', 'variables', 'consent'] as const) {
    for (const [name, stamped] of Object.entries(encodeFields(data[group]))) {
      fields[`${group}.${name}`] = stamped;
    }
  }
  if (data.page) {
    fields.page = { at: data.page.at, url: data.page.url, referrer: data.page.referrer };
  }
  return fields;
}

function encodeFields<T>(fields: Record<string, Stamped<T>>): Record<string, Stamped<T>> {
  // NOTE: `{ at, value }` in this order: `$max` compares `at` first.
  return Object.fromEntries(
    Object.entries(fields).map(([name, { at, value }]) => [encodeFieldName(name), { at, value }]),
  );
}

function decodeFields<T>(
  fields: Record<string, Stamped<T>> | undefined,
): Record<string, Stamped<T>> {
  return Object.fromEntries(
    Object.entries(fields ?? {}).map(([field, stamped]) => [decodeFieldName(field), stamped]),
  );
}
