import { randomBytes } from 'node:crypto';
import { PartitionerArgs, Partitioners } from 'kafkajs';
import { JavaCompatiblePartitioner, murmur2 } from './java-partitioner';

// kafkajs's own implementation: the reference this one must match.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (
  key: Buffer | string,
) => number;

function randomKey(seed: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789:-_ éü€日本🙂';
  const chars = [...alphabet];
  const length = seed % 90;
  const bytes = randomBytes(length);
  return Array.from(bytes, (byte) => chars[byte % chars.length]).join('');
}

function args(key: string | null, partitions = 12): PartitionerArgs {
  return {
    topic: 'test.hits',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    })),
    message: { key, value: 'v' },
  };
}

describe('JavaCompatiblePartitioner', () => {
  it('hashes 20,000 string keys (ASCII, accented, CJK, emoji, 0-89 characters) exactly as kafkajs does', () => {
    const differing: string[] = [];
    for (let seed = 0; seed < 20_000; seed++) {
      const key = randomKey(seed);
      if (murmur2(key) !== kafkajsMurmur2(key)) differing.push(key);
    }
    expect(differing).toEqual([]);
  });

  it('hashes Buffer keys and keys longer than its scratch buffer as kafkajs does', () => {
    for (const key of [randomBytes(0), randomBytes(7), randomBytes(4096)]) {
      expect(murmur2(key)).toBe(kafkajsMurmur2(key));
    }
    const long = 'k'.repeat(5000);
    expect(murmur2(long)).toBe(kafkajsMurmur2(long));
  });

  it('places keyed messages on the partitions kafkajs DefaultPartitioner picks', () => {
    const ours = JavaCompatiblePartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const differing: string[] = [];
    for (let seed = 0; seed < 2000; seed++) {
      const key = `shop:${randomKey(seed)}`;
      for (const partitions of [1, 6, 12, 31]) {
        if (ours(args(key, partitions)) !== theirs(args(key, partitions))) differing.push(key);
      }
    }
    expect(differing).toEqual([]);
  });

  it('spreads messages without a key over the partitions that have a leader', () => {
    const sut = JavaCompatiblePartitioner();
    const input = args(null, 4);
    input.partitionMetadata[2].leader = -1;
    const seen = new Set(Array.from({ length: 30 }, () => sut(input)));
    expect([...seen].sort()).toEqual([0, 1, 3]);
  });
});
