import { createHash } from 'node:crypto';

export const sha256Hex = (value: string) =>
  createHash('sha256').update(value, 'utf8').digest('hex');
export const md5Hex = (value: string) => createHash('md5').update(value, 'utf8').digest('hex');

/** Sites may send identifiers already hashed; those are passed on as they are. */
export const isSha256Hex = (value: string) => /^[a-f0-9]{64}$/.test(value);
export const isMd5Hex = (value: string) => /^[a-f0-9]{32}$/.test(value);
