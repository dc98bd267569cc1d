/* eslint-disable no-console -- a benchmark prints its numbers */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
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

/**
 * CPU seconds each thread of a process used so far, from /proc (Linux only;
 * elsewhere null). The benchmarks print cores used next to the throughput,
 * so a number can be read as "bound by CPU" or "waiting".
 */
export function threadCpuSeconds(pid: number | undefined): Map<number, number> | null {
  if (pid === undefined) return null;
  try {
    const threads = new Map<number, number>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      // Fields after the command name: state is field 3; utime, stime are 14 and 15.
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      threads.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND);
    }
    return threads;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
