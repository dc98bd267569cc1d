import { Injectable } from '@nestjs/common';
import { WebData, WebDataKey, WebDataRepository } from '@tagrelay/store';
import { storeCall } from '../store/store-call';

interface Waiting {
  keys: WebDataKey[];
  resolve: (found: Map<string, WebData>) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads live web data for the batches handled at the same time (one per
 * partition) with one query: while a read is in flight, the keys of the
 * batches that ask meanwhile wait and go out together in the next one. Each
 * read starts after the request it serves, so it sees every write finished
 * before that request.
 *
 * NOTE: on FerretDB 1.24 (SQLite) every query reads and decodes the whole
 * collection, whatever the filter: the cost of a read is the collection's
 * size, not the number of keys, so fewer reads is what counts.
 */
@Injectable()
export class WebDataReader {
  private inFlight: Promise<void> | null = null;
  private waiting: Waiting[] = [];

  constructor(private readonly webData: WebDataRepository) {}

  /** Live web data of (at least) these keys, by `webDataId()`. */
  find(keys: WebDataKey[]): Promise<Map<string, WebData>> {
    if (keys.length === 0) return Promise.resolve(new Map());
    return new Promise((resolve, reject) => {
      this.waiting.push({ keys, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.inFlight !== null || this.waiting.length === 0) return;
    const served = this.waiting;
    this.waiting = [];
    this.inFlight = storeCall('webdata.findLive', () =>
      this.webData.findLive(
        served.flatMap((request) => request.keys),
        new Date(),
      ),
    )
      .then(
        (found) => served.forEach((request) => request.resolve(found)),
        (error: unknown) => served.forEach((request) => request.reject(error)),
      )
      .finally(() => {
        this.inFlight = null;
        this.next();
      });
  }
}
