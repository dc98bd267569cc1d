/* eslint-disable no-restricted-properties -- hands the servers' settings to the dispatcher process */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { CompressionTypes, Kafka, logLevel, Producer } from 'kafkajs';
import pino from 'pino';
import { EnrichedEvent, messageKey, Partner, PIPELINE_TOPICS } from '@tagrelay/contracts';
import { createKafkaClient, ensurePipelineTopics } from '@tagrelay/kafka';
import {
  PartnerServer,
  RecordedRequest,
  REPO_ROOT,
  seedConfig,
  testSite,
  waitFor,
} from '@tagrelay/testing';
import { benchEnvironment, percentile, printTable, round } from './bench-support';

const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const PARTNER_DELAY_MS = 20;

interface Scenario {
  partner: Extract<Partner, 'meta' | 'webhook'>;
  label: string;
  destination: (url: string) => Record<string, unknown>;
  /** Event ids a request carries. */
  eventIds: (request: RecordedRequest) => string[];
}

const SCENARIOS: Scenario[] = [
  {
    partner: 'meta',
    label: 'Meta CAPI (batched, ≤1,000 events/request)',
    destination: (url) => ({
      destinationId: 'bench-pixel',
      partner: 'meta',
      credentials: { pixelId: '1234567890', accessToken: 'EAA-bench' },
      options: { baseUrl: url },
    }),
    eventIds: (request) =>
      ((request.json as { data?: { event_id: string }[] } | undefined)?.data ?? []).map(
        (event) => event.event_id,
      ),
  },
  {
    partner: 'webhook',
    label: 'webhook (1 event/request, signed)',
    destination: (url) => ({
      destinationId: 'bench-hook',
      partner: 'webhook',
      credentials: { secret: WEBHOOK_SECRET },
      options: { url: `${url}/hooks`, concurrency: 64 },
    }),
    eventIds: (request) => [request.headers['webhook-id']],
  },
];

/**
 * `npm run bench -- dispatch [backlog=20000] [rate=1000] [seconds=10]`: one
 * dispatcher process per partner against a local partner answering in 20 ms.
 * (1) Throughput: a backlog in `events.enriched`, drained; events/s from the
 * first to the last event the partner received. (2) Latency at a steady rate:
 * from `enrichedAt` (set when the event is written to `events.enriched`) to
 * the partner receiving the request, p50/p99.
 */
export async function run(args: string[]): Promise<void> {
  const backlog = Number(args[0] ?? 20_000);
  const rate = Number(args[1] ?? 1000);
  const seconds = Number(args[2] ?? 10);
  const env = await benchEnvironment();
  const rows: Record<string, string | number>[] = [];
  try {
    for (const scenario of SCENARIOS) {
      rows.push(...(await runScenario(scenario, env, backlog, rate, seconds)));
    }
    printTable(
      `dispatcher, one process per partner, partner answers in ${PARTNER_DELAY_MS} ms ` +
        `(kafka ${env.servers.kafkaBrokers}, ${env.servers.source})`,
      rows,
    );
  } finally {
    await env.cleanup();
  }
}

async function runScenario(
  scenario: Scenario,
  env: Awaited<ReturnType<typeof benchEnvironment>>,
  backlog: number,
  rate: number,
  seconds: number,
): Promise<Record<string, string | number>[]> {
  const prefix = `${env.topicPrefix}${scenario.partner}.`;
  const config = {
    brokers: env.servers.kafkaBrokers.split(','),
    clientId: 'bench',
    topicPrefix: prefix,
  };
  const logger = pino({ level: 'warn' });
  await ensurePipelineTopics(
    createKafkaClient(config, logger),
    {
      topicPrefix: prefix,
      topics: { partitions: 6, replicationFactor: 1, retentionMs: 3_600_000 },
    },
    logger,
  );

  const sentAt = new Map<string, number>();
  const seen = new Set<string>();
  let duplicates = 0;
  const received: number[] = [];
  const latencies: number[] = [];
  let requests = 0;
  const partner = await PartnerServer.start({
    record: false,
    onRequest: (request) => {
      requests++;
      for (const id of scenario.eventIds(request)) {
        if (seen.has(id)) {
          duplicates++;
          continue;
        }
        seen.add(id);
        const sent = sentAt.get(id);
        if (sent === undefined) received.push(request.receivedAt);
        else latencies.push(request.receivedAt - sent);
      }
    },
  });
  partner.succeed(PARTNER_DELAY_MS);
  await seedConfig({ uri: env.servers.mongodbUri, database: env.database }, [
    {
      ...testSite(),
      containers: [
        { ...testSite().containers[0], destinations: [scenario.destination(partner.url)] },
      ],
    },
  ]);

  const kafka = new Kafka({ brokers: config.brokers, logLevel: logLevel.NOTHING });
  // NOTE: idempotent: a retried produce (seen under load on this machine) must not write an event twice.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const topic = `${prefix}${PIPELINE_TOPICS.enrichedEvents}`;
  let dispatcher: Dispatcher | null = null;
  try {
    // (1) Throughput: the backlog is written first, then the dispatcher starts.
    for (let sent = 0; sent < backlog; sent += 1000) {
      await send(
        producer,
        topic,
        Array.from({ length: Math.min(1000, backlog - sent) }, () => benchEvent()),
      );
    }
    dispatcher = startDispatcher(scenario.partner, {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HTTP_PORT: '0',
      KAFKA_BROKERS: env.servers.kafkaBrokers,
      KAFKA_TOPIC_PREFIX: prefix,
      MONGODB_URI: env.servers.mongodbUri,
      MONGODB_DATABASE: env.database,
    });
    await waitFor(
      `${backlog} events at the partner (have ${received.length})`,
      () => received.length >= backlog,
      {
        timeoutMs: 600_000,
        intervalMs: 100,
      },
    );
    const drainSeconds = (received[received.length - 1] - received[0]) / 1000;
    const requestsForBacklog = requests;
    const duplicatesForBacklog = duplicates;
    const dispatcherUrl = await dispatcher.url;
    const failedForBacklog = await failedAttempts(dispatcherUrl);

    // (2) Latency at a steady rate, the dispatcher warm.
    const total = rate * seconds;
    const perTick = Math.max(1, Math.round(rate / 100));
    const started = performance.now();
    for (let sent = 0; sent < total; sent += perTick) {
      const events = Array.from({ length: Math.min(perTick, total - sent) }, () => benchEvent());
      const now = performance.timeOrigin + performance.now();
      for (const event of events) sentAt.set(event.eventId, now);
      await send(producer, topic, events);
      const due = started + ((sent + perTick) / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolveWait) => setTimeout(resolveWait, wait));
    }
    await waitFor(
      `${total} timed events (have ${latencies.length})`,
      () => latencies.length >= total,
      {
        timeoutMs: 120_000,
        intervalMs: 100,
      },
    );
    return [
      {
        partner: scenario.label,
        phase: `backlog of ${backlog}`,
        'events/s': Math.round(backlog / drainSeconds),
        requests: requestsForBacklog,
        'failed attempts': failedForBacklog,
        duplicates: duplicatesForBacklog,
        'p50 ms': '-',
        'p99 ms': '-',
      },
      {
        partner: scenario.label,
        phase: `steady ${rate}/s for ${seconds} s`,
        'events/s': rate,
        requests: requests - requestsForBacklog,
        'failed attempts': (await failedAttempts(dispatcherUrl)) - failedForBacklog,
        duplicates: duplicates - duplicatesForBacklog,
        'p50 ms': round(percentile(latencies, 50)),
        'p99 ms': round(percentile(latencies, 99)),
      },
    ];
  } finally {
    if (dispatcher) await stop(dispatcher.child);
    await producer.disconnect();
    await partner.close();
  }
}

function benchEvent(): EnrichedEvent {
  const now = new Date().toISOString();
  const user = `u-${Math.floor(Math.random() * 100_000)}`;
  return {
    v: 1,
    kind: 'server',
    eventId: randomUUID(),
    siteId: 'shop',
    containerId: 'web',
    receivedAt: now,
    ip: '203.0.113.0',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
    variables: {
      event: 'purchase',
      user_id: user,
      order_id: `ORD-${randomUUID().slice(0, 8)}`,
      value: 129.9,
      currency: 'EUR',
      email: 'jane.doe@example.com',
      phone: '+33 6 12 34 56 78',
      items: [
        { item_id: 'SKU-12345', item_name: 'Running shoes', price: 89.9, quantity: 1 },
        { item_id: 'SKU-67890', item_name: 'Sport socks', price: 20, quantity: 2 },
      ],
    },
    keys: { user_id: user },
    web: {
      matchedKey: { name: 'user_id', value: user },
      cookies: { _fbp: 'fb.1.1733300000000.1098115397', _ga: 'GA1.1.1234567890.1699999999' },
      variables: { page_type: 'checkout' },
      consent: { marketing: true, analytics: true },
      page: {
        url: 'https://shop.example/checkout/confirmation',
        referrer: 'https://shop.example/cart',
      },
      collectedAt: now,
    },
    enrichment: 'matched',
    enrichedAt: now,
  };
}

async function send(producer: Producer, topic: string, events: EnrichedEvent[]): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    compression: CompressionTypes.None,
    messages: events.map((event) => ({
      key: messageKey(event.siteId, event.keys.user_id ?? event.eventId),
      value: JSON.stringify(event),
    })),
  });
}

interface Dispatcher {
  child: ChildProcess;
  /** Where it answers /metrics, once it listens. */
  url: Promise<string>;
}

function startDispatcher(partner: Partner, env: NodeJS.ProcessEnv): Dispatcher {
  const child = spawn(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      resolve(REPO_ROOT, 'apps/dispatcher/src/main.ts'),
      '--partner',
      partner,
    ],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = new Promise<string>((resolveUrl) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /"url":"(http:\/\/[^"]+)","msg":"dispatcher listening"/.exec(line);
      if (match) resolveUrl(match[1]);
      // Warnings and errors of the dispatcher stay visible.
      else if (/"level":[456]0/.test(line)) process.stderr.write(`${line}\n`);
    });
  });
  return { child, url };
}

/** Attempts the dispatcher judged `retry` or that got no answer, from its metrics. */
async function failedAttempts(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(
    /^tagrelay_dispatcher_requests_total\{[^}]*verdict="(retry|error)"[^}]*\} (\d+)/gm,
  )) {
    total += Number(match[2]);
  }
  return total;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null) return resolveStop();
    child.once('exit', () => resolveStop());
    child.kill('SIGTERM');
  });
}
