/* eslint-disable no-console -- a benchmark prints its numbers */
import { randomBytes } from 'node:crypto';
import {
  deleteTestTopics,
  dropTestDatabase,
  provideTestServers,
  TestServers,
} from '@tagrelay/testing';

export interface BenchEnvironment {
  servers: TestServers;
  /** A topic prefix and database of this run only (carry the test marker). */
  topicPrefix: string;
  database: string;
  cleanup(): Promise<void>;
}

/** Real servers (as the tests find them) and names of this run's own. */
export async function benchEnvironment(): Promise<BenchEnvironment> {
  const servers = await provideTestServers();
  const id = randomBytes(4).toString('hex');
  const topicPrefix = `test.bench.${id}.`;
  const database = `tagrelay_test_bench_${id}`;
  return {
    servers,
    topicPrefix,
    database,
    cleanup: async () => {
      await deleteTestTopics(servers.kafkaBrokers, topicPrefix);
      await dropTestDatabase(servers.mongodbUri, database);
      await servers.stop();
    },
  };
}

/** p-th percentile of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n${title}`);
  console.table(rows);
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));
