import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Connection } from 'mongoose';
import { EnvSource } from '@tagrelay/config';
import { WebDataRepository } from '@tagrelay/store';
import { REPO_ROOT, TestContext, waitFor } from '@tagrelay/testing';
import { EnrichmentTestbed, openEnrichmentTestbed, serverHit, webHit } from './enrichment-fixtures';

const VISITORS = 1000;
const SERVER_HITS = 12_000;
const KILL_AFTER = 2500;

const visitorKey = (hit: { keys: Record<string, string> }) => ({
  siteId: 'shop',
  name: 'user_id',
  value: hit.keys.user_id,
});

/** The enrichment service as a real process (`main.ts`), as it runs in production. */
class EnrichmentProcess {
  private readonly child: ChildProcess;
  private output = '';
  private readonly exited: Promise<number | null>;

  constructor(env: EnvSource) {
    this.child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', resolve(REPO_ROOT, 'apps/enrichment/src/main.ts')],
      { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
  }

  /** The last lines it printed (for a failing test's message). */
  get log(): string {
    return this.output;
  }

  /** Resolves once the process is gone. */
  async kill(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}

describe('enrichment process killed with SIGKILL', () => {
  let testbed: EnrichmentTestbed;
  let context: TestContext;
  let hits: EnrichmentTestbed['hits'];
  let enriched: EnrichmentTestbed['enriched'];
  let connection: Connection;
  let webData: WebDataRepository;
  const processes: EnrichmentProcess[] = [];

  beforeAll(async () => {
    testbed = await openEnrichmentTestbed();
    ({ context, connection, hits, enriched } = testbed);
    webData = new WebDataRepository(connection);
  });

  afterAll(async () => {
    await Promise.all(processes.map((running) => running.kill('SIGKILL')));
    await testbed?.close();
  });

  it('loses nothing when killed mid-stream and restarted, and counts the duplicates', async () => {
    const env = context.env({
      LOG_LEVEL: 'error',
      KAFKA_CONSUMER_RETRY_MAX_MS: '1000',
      // The killed member's partitions move to the new one after this.
      KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '6000',
    });
    const serverHits = Array.from({ length: SERVER_HITS }, (_, i) =>
      serverHit({ user_id: `v${i % VISITORS}` }),
    );
    const first = new EnrichmentProcess(env);
    processes.push(first);
    const webHits = Array.from({ length: VISITORS }, (_, i) => webHit({ user_id: `v${i}` }));
    await hits.write(webHits);
    await waitFor(
      'every visitor stored',
      async () => (await webData.findLive(webHits.map(visitorKey), new Date())).size === VISITORS,
      { timeoutMs: 60_000, intervalMs: 200 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${first.log}`);
    });
    await hits.write(serverHits);
    await waitFor(
      `${KILL_AFTER} events from the first process`,
      () => enriched.received.length >= KILL_AFTER,
      { timeoutMs: 60_000, intervalMs: 10 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${first.log}`);
    });
    await first.kill('SIGKILL');
    const emittedBeforeKill = enriched.received.length;

    const second = new EnrichmentProcess(env);
    processes.push(second);
    const counts = await enriched
      .waitForAll(
        serverHits.map((hit) => hit.eventId),
        60_000,
      )
      .catch((error: Error) => {
        throw new Error(`${error.message}\n${second.log}`);
      });
    await second.kill('SIGTERM');
    const duplicates = enriched.received.length - counts.size;
    process.stderr.write(
      `SIGKILL after ${emittedBeforeKill} of ${SERVER_HITS} events; after the restart: ` +
        `${counts.size} distinct, ${duplicates} duplicates (at-least-once)\n`,
    );

    expect(emittedBeforeKill).toBeLessThan(SERVER_HITS);
    expect(counts.size).toBe(SERVER_HITS);
    expect(enriched.received.every(({ event }) => event.enrichment === 'matched')).toBe(true);
    expect(await groupLag(context.kafkaBrokers, `${context.topicPrefix}enrichment`)).toBe(0);
  });
});

/** Messages of the hit topics the group has not committed. */
async function groupLag(brokers: string, groupId: string): Promise<number> {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = ['hits.web', 'hits.server'].map((name) => groupId.replace(/enrichment$/, name));
    let lag = 0;
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
      for (const end of await admin.fetchTopicOffsets(topic)) {
        const committed = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        lag += Number(end.high) - Number(committed === '-1' ? end.low : committed);
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}
