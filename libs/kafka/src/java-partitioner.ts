import { randomBytes } from 'node:crypto';
import type { ICustomPartitioner } from 'kafkajs';

/**
 * kafkajs's DefaultPartitioner (the Java client's murmur2 placement: a key
 * lands on the partition Java producers pick for it too), computed with
 * 32-bit integer math. TRICKY: kafkajs computes the same hash on 64-bit Long
 * objects, which cost the ingest 5% of its CPU; the unit test holds this
 * one to kafkajs's results.
 */
export const JavaCompatiblePartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) {
      return toPositive(murmur2(message.key)) % partitionMetadata.length;
    }
    // No key: round robin over the partitions that have a leader.
    const next = (counters.get(topic) ?? randomBytes(4).readUInt32BE(0)) + 1;
    counters.set(topic, next);
    const available = partitionMetadata.filter((partition) => partition.leader >= 0);
    if (available.length > 0) return available[toPositive(next) % available.length].partitionId;
    return toPositive(next) % partitionMetadata.length;
  };
};

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
/** Holds a key's UTF-8 bytes: no allocation per message for usual keys. */
const scratch = Buffer.allocUnsafe(1024);

/** The Java client's `Utils.murmur2` of a key's bytes (UTF-8 for strings). */
export function murmur2(key: Buffer | string): number {
  let data: Buffer;
  let length: number;
  if (Buffer.isBuffer(key)) {
    data = key;
    length = key.length;
  } else if (key.length * 3 <= scratch.length) {
    data = scratch;
    length = scratch.write(key, 0, 'utf8');
  } else {
    data = Buffer.from(key, 'utf8');
    length = data.length;
  }
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) h = Math.imul(h ^ data[tail], M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

/** As the Java client: clears the sign bit (not the absolute value). */
const toPositive = (value: number) => value & 0x7fffffff;
