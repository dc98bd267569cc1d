import type { Logger } from 'pino';
import type { Collection } from 'mongoose';

export type TtlMode = 'native' | 'sweeper';

export interface TtlHandle {
  /** How expiry works on this server. */
  readonly mode: TtlMode;
  /** Deletes what has expired now (the sweeper's one pass); returns the count. */
  sweep(): Promise<number>;
  stop(): void;
}

export interface TtlOptions {
  /** The date field after which a document is gone, e.g. `expiresAt`. */
  field: string;
  /** How often the sweeper runs when the server has no TTL indexes. */
  sweepIntervalMs: number;
  logger: Logger;
}

const NOT_IMPLEMENTED = 238;

/**
 * Expires documents at `field`: a TTL index (`expireAfterSeconds: 0`) where
 * the server has them; where it answers NotImplemented (FerretDB 1.x), a plain
 * index on `field` and a sweeper that deletes expired documents instead, so
 * behaviour is the same on both.
 *
 * Either way, deletion is late (MongoDB's TTL monitor runs every 60 s): reads
 * must still filter on `field > now`.
 */
export async function ensureTtlIndex(
  model: { collection: Collection },
  options: TtlOptions,
): Promise<TtlHandle> {
  const collection = model.collection;
  const log = options.logger.child({ module: 'ttl', collection: collection.collectionName });
  const sweep = async () => {
    const result = await collection.deleteMany({ [options.field]: { $lte: new Date() } });
    return result.deletedCount;
  };
  try {
    await collection.createIndex(
      { [options.field]: 1 },
      { name: `${options.field}_ttl`, expireAfterSeconds: 0 },
    );
    log.info('native TTL index');
    return { mode: 'native', sweep, stop: () => undefined };
  } catch (error) {
    if (!isNotImplemented(error)) throw error;
  }
  // NOTE: the plain index serves the sweeper's range delete.
  await collection.createIndex({ [options.field]: 1 }, { name: `${options.field}_sweep` });
  log.info({ intervalMs: options.sweepIntervalMs }, 'server has no TTL indexes, sweeping instead');
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep()
      .then((deleted) => deleted > 0 && log.debug({ deleted }, 'expired documents swept'))
      .catch((error: unknown) => log.warn({ err: error }, 'sweep failed, will try again'))
      .finally(() => {
        running = false;
      });
  }, options.sweepIntervalMs);
  timer.unref();
  return { mode: 'sweeper', sweep, stop: () => clearInterval(timer) };
}

function isNotImplemented(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === NOT_IMPLEMENTED || /expireAfterSeconds/i.test(String((error as Error).message));
}
