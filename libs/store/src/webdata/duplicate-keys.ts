import { mongo } from 'mongoose';

const DUPLICATE_KEY = 11000;

/**
 * Positions of the documents an unordered insert refused as duplicates, or
 * null when the error is anything else (the caller rethrows it). FerretDB's
 * duplicate-key errors carry no `keyValue`, but both servers give the index.
 */
export function duplicateIndexes(error: unknown): number[] | null {
  if (!(error instanceof mongo.MongoBulkWriteError)) return null;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  if (writeErrors.length === 0 || writeErrors.some((entry) => entry.code !== DUPLICATE_KEY)) {
    return null;
  }
  return writeErrors.map((entry) => entry.index);
}
