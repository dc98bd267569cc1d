import { randomBytes } from 'node:crypto';

const POOL_SIZE = 16 * 1024;
let pool = randomBytes(POOL_SIZE);
let poolOffset = POOL_SIZE;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits,
 * so event ids sort by arrival time. Random bytes come from a pooled buffer:
 * one `randomBytes` call per 1,600 ids instead of one per id.
 */
export function uuidv7(now = Date.now()): string {
  if (poolOffset + 10 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(now, 0, 6);
  pool.copy(bytes, 6, poolOffset, poolOffset + 10);
  poolOffset += 10;
  bytes[6] = (bytes[6] & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A client's `event_id` is kept when it is a UUID (any version). */
export function isValidEventId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
