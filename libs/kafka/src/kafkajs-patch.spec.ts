import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * patches/kafkajs+2.2.4.patch (applied by `npm ci` through patch-package)
 * makes kafkajs's encoding cheaper: unzeroed buffers, varints written in
 * place, CRC32C eight bytes per step. These tests hold the patched code to
 * the formats it must produce; the integration tests send its batches to a
 * real broker, which refuses a batch whose CRC is wrong.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's internals have no types */
const Encoder = require('kafkajs/src/protocol/encoder') as new () => {
  writeVarInt(value: number): unknown;
  writeBytes(value: Buffer): unknown;
  writeInt8(value: number): unknown;
  buffer: Buffer;
};
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;
/* eslint-enable @typescript-eslint/no-require-imports */

/** CRC-32C (Castagnoli, reflected 0x82F63B78), one bit at a time. */
function referenceCrc32C(buffer: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buffer) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('kafkajs patch', () => {
  it('is applied', () => {
    for (const file of ['encoder.js', 'recordBatch/crc32C/crc32C.js']) {
      const source = readFileSync(require.resolve(`kafkajs/src/protocol/${file}`), 'utf8');
      expect(source).toContain('tagrelay patch');
    }
  });

  it('computes CRC-32C: the check value, and random buffers of every length mod 8', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32C(Buffer.alloc(0))).toBe(0);
    const pool = randomBytes(8192);
    for (let length = 0; length < 600; length++) {
      // Views at odd offsets too: the record batch is a slice of a larger buffer.
      const buffer = pool.subarray(length % 13, (length % 13) + length);
      expect(crc32C(buffer)).toBe(referenceCrc32C(buffer));
    }
    expect(crc32C(pool)).toBe(referenceCrc32C(pool));
  });

  it.each([
    [0, [0x00]],
    [-1, [0x01]],
    [1, [0x02]],
    [63, [0x7e]],
    [-64, [0x7f]],
    [64, [0x80, 0x01]],
    [150, [0xac, 0x02]],
    [2 ** 31 - 1, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
    [-(2 ** 31), [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('writes the zigzag varint of %d as %j', (value, bytes) => {
    const encoder = new Encoder();
    encoder.writeInt8(7);
    encoder.writeVarInt(value);
    expect([...encoder.buffer]).toEqual([7, ...bytes]);
  });

  it('keeps every written byte when it grows, and shows none it did not write', () => {
    const encoder = new Encoder();
    const pieces: Buffer[] = [];
    for (let index = 0; index < 40; index++) {
      const piece = randomBytes(17 + index * 7);
      pieces.push(piece);
      encoder.writeBytes(piece);
      encoder.writeVarInt(index * 1000);
    }
    const expected = Buffer.concat(
      pieces.flatMap((piece, index) => {
        const length = Buffer.alloc(4);
        length.writeInt32BE(piece.length);
        const varint = new Encoder();
        varint.writeVarInt(index * 1000);
        return [length, piece, varint.buffer];
      }),
    );
    expect(encoder.buffer.equals(expected)).toBe(true);
  });
});
