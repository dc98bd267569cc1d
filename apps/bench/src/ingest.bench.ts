/* eslint-disable no-console, no-restricted-properties -- prints its numbers; hands the servers' settings to the child processes */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { REPO_ROOT, seedConfig, TEST_WRITE_KEY, testSite, waitFor } from '@tagrelay/testing';
import { purchaseHit } from './purchase-hit';
import { benchEnvironment, printTable, round, threadCpuSeconds } from './bench-support';

type Run = {
  name: string;
  requests: number;
  ok: number;
  errors: number;
  'hits/s': number;
  'p50 ms': number;
  'p99 ms': number;
  /**
   * CPU of the server under test during the run, in cores (1 = one core
   * busy): the whole process, its main thread, its busiest other thread.
   */
  'server cores': number | string;
  'main thread': number | string;
  'busiest other thread': number | string;
  'load generator cores': number;
};

/**
 * `npm run bench -- ingest [seconds=10] [connections=100] [rounds=3]`: POST
 * /v1/hit with a realistic 0.5 KB body against (a) the real ingest service
 * writing to the real broker (acks=all) and (b) a bare Fastify server
 * answering 204, with the same load generator and connections, each server in
 * its own process, in rounds that run each server once.
 * A third server, the floor (kafka-floor.server.ts), writes a constant
 * envelope per request through the same producer: the gap between it and
 * ingest is the cost of the ingest's own work.
 */
export async function run(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 10);
  const connections = Number(args[1] ?? 100);
  const roundCount = Number(args[2] ?? 3);
  const env = await benchEnvironment();
  const childEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: env.servers.kafkaBrokers,
    MONGODB_URI: env.servers.mongodbUri,
    MONGODB_DATABASE: env.database,
    KAFKA_TOPIC_PREFIX: env.topicPrefix,
  };
  const floorEnv = { ...childEnv, KAFKA_TOPIC_PREFIX: `${env.topicPrefix}floor.` };
  await runChild('admin', ['topics', 'create'], childEnv);
  await runChild('admin', ['topics', 'create'], floorEnv);
  await seedConfig({ uri: env.servers.mongodbUri, database: env.database }, [testSite()]);
  const body = JSON.stringify(purchaseHit());

  const ingestPort = await freePort();
  const ingest = start(
    resolve(REPO_ROOT, 'apps/ingest/src/main.ts'),
    { ...childEnv, HTTP_PORT: String(ingestPort) },
    // e.g. BENCH_INGEST_NODE_ARGS="--cpu-prof --cpu-prof-dir=.local/profiles"
    nodeArgs('BENCH_INGEST_NODE_ARGS'),
  );
  const bare = start(
    resolve(REPO_ROOT, 'apps/bench/src/bare-fastify.server.ts'),
    { ...childEnv, HTTP_PORT: String(await freePort()) },
    nodeArgs('BENCH_BARE_NODE_ARGS'),
  );
  const floor = start(
    resolve(REPO_ROOT, 'apps/bench/src/kafka-floor.server.ts'),
    { ...floorEnv, HTTP_PORT: String(await freePort()) },
    nodeArgs('BENCH_FLOOR_NODE_ARGS'),
  );
  try {
    const ingestUrl = `http://127.0.0.1:${ingestPort}`;
    await waitFor('ingest ready', async () => (await fetch(`${ingestUrl}/readyz`)).ok, {
      timeoutMs: 60_000,
    });
    const bareUrl = await bare.url;
    const floorUrl = await floor.url;

    const servers = [
      { name: 'bare Fastify, 204', url: bareUrl, pid: bare.child.pid },
      {
        name: 'floor: Fastify → Kafka, constant envelope, 202',
        url: floorUrl,
        pid: floor.child.pid,
      },
      { name: 'ingest → Kafka (acks=all), 202', url: ingestUrl, pid: ingest.child.pid },
    ];
    // warm-up: JIT, connections, producer batches
    for (const server of servers) await load(server.url, body, connections, 3);
    // NOTE: rounds, each running the three servers one after the other: on a
    // shared machine one server's throughput drifted by 10-15% between runs
    // minutes apart, and a ratio of one pair of runs carried that drift.
    // Medians of the rounds.
    const rounds: Run[][] = [];
    for (let index = 0; index < roundCount; index++) {
      const runs: Run[] = [];
      for (const server of servers) runs.push(await measure(server, body, connections, seconds));
      rounds.push(runs);
    }
    const medians = servers.map((_, position) => medianRun(rounds.map((runs) => runs[position])));
    const [baseline, floorRun, real] = medians;
    printTable(
      `POST /v1/hit, ${Buffer.byteLength(body)} B body, ${connections} connections, ` +
        `${roundCount} rounds of ${seconds} s each; the round with the median hits/s per server`,
      medians,
    );
    const ratios = rounds.map(([bareRun, , ingestRun]) =>
      round(ingestRun['hits/s'] / bareRun['hits/s'], 2),
    );
    rounds.forEach((runs, index) =>
      console.log(
        `round ${index + 1}: hits/s bare ${runs[0]['hits/s']}, floor ${runs[1]['hits/s']}, ingest ${runs[2]['hits/s']}`,
      ),
    );
    console.log(
      `ratio ingest/bare: ${round(real['hits/s'] / baseline['hits/s'], 2)} (medians; per round: ${ratios.join(', ')})`,
    );
    const onBroker = await countMessages(env.servers.kafkaBrokers, `${env.topicPrefix}hits.server`);
    console.log(
      `ratio floor/bare: ${round(floorRun['hits/s'] / baseline['hits/s'], 2)} (Fastify and the Kafka write alone); ` +
        `ingest's own work per hit: ${round(1e6 / real['hits/s'] - 1e6 / floorRun['hits/s'], 1)} µs of the run`,
    );
    console.log(
      `mean wait for the broker's ack inside ingest: ${await meanWriteMs(ingestUrl)} ms (warm-up included)`,
    );
    console.log(
      `hits on the broker: ${onBroker} (warm-up included); non-2xx answers of ingest: ` +
        `${rounds.reduce((sum, [, , ingestRun]) => sum + ingestRun.requests - ingestRun.ok, 0)}`,
    );
  } finally {
    ingest.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    floor.child.kill('SIGTERM');
    await env.cleanup();
  }
}

/** Node flags for a server from an environment variable, split on spaces. */
function nodeArgs(variable: string): string[] {
  return (process.env[variable] ?? '').split(' ').filter(Boolean);
}

/** One load run against one server, with the CPU it and the load generator used. */
async function measure(
  server: { name: string; url: string; pid: number | undefined },
  body: string,
  connections: number,
  seconds: number,
): Promise<Run> {
  const before = {
    server: threadCpuSeconds(server.pid),
    generator: process.cpuUsage(),
    at: Date.now(),
  };
  const result = await load(server.url, body, connections, seconds);
  const after = threadCpuSeconds(server.pid);
  const elapsed = (Date.now() - before.at) / 1000;
  const generator = process.cpuUsage(before.generator);
  return {
    ...summarise(server.name, result),
    ...serverCores(server.pid, before.server, after, elapsed),
    'load generator cores': round((generator.user + generator.system) / 1e6 / elapsed, 2),
  };
}

/** The run with the median hits/s (the lower middle one of an even count). */
function medianRun(runs: Run[]): Run {
  const sorted = [...runs].sort((a, b) => a['hits/s'] - b['hits/s']);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function load(
  url: string,
  body: string,
  connections: number,
  duration: number,
): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/v1/hit/shop/web`,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', 'x-api-key': TEST_WRITE_KEY },
    body,
  });
}

function serverCores(
  pid: number | undefined,
  before: Map<number, number> | null,
  after: Map<number, number> | null,
  elapsed: number,
): Pick<Run, 'server cores' | 'main thread' | 'busiest other thread'> {
  if (!before || !after) {
    return { 'server cores': 'n/a', 'main thread': 'n/a', 'busiest other thread': 'n/a' };
  }
  const used = [...after].map(([tid, seconds]) => ({
    tid,
    cores: (seconds - (before.get(tid) ?? 0)) / elapsed,
  }));
  const others = used.filter(({ tid }) => tid !== pid).map(({ cores }) => cores);
  return {
    'server cores': round(
      used.reduce((sum, { cores }) => sum + cores, 0),
      2,
    ),
    'main thread': round(used.find(({ tid }) => tid === pid)?.cores ?? 0, 2),
    'busiest other thread': round(Math.max(0, ...others), 2),
  };
}

function summarise(
  name: string,
  result: autocannon.Result,
): Omit<Run, 'server cores' | 'main thread' | 'busiest other thread' | 'load generator cores'> {
  const ok = result['2xx'];
  return {
    name,
    requests: result.requests.total,
    ok,
    errors: result.errors + result.non2xx,
    'hits/s': Math.round(ok / result.duration),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
  };
}

function start(
  script: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, [...nodeArgs, '-r', '@swc-node/register', script], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = new Promise<string>((resolveUrl) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (http:\/\/\S+)/.exec(chunk.toString());
      if (match) resolveUrl(match[1]);
    });
  });
  return { child, url };
}

function runChild(app: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', resolve(REPO_ROOT, `apps/${app}/src/main.ts`), ...args],
      {
        cwd: REPO_ROOT,
        env,
        stdio: 'inherit',
      },
    );
    child.on('exit', (code) =>
      code === 0 ? resolveRun() : reject(new Error(`${app} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Mean of ingest's produce-to-acknowledgement histogram, from its /metrics. */
async function meanWriteMs(ingestUrl: string): Promise<number> {
  const metrics = await (await fetch(`${ingestUrl}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
  return round(
    (1000 * value('tagrelay_ingest_write_seconds_sum')) /
      value('tagrelay_ingest_write_seconds_count'),
    2,
  );
}

async function countMessages(brokers: string, topic: string): Promise<number> {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, entry) => sum + Number(entry.high) - Number(entry.low), 0);
  } finally {
    await admin.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
