import { randomBytes } from 'node:crypto';
import { EnvSource, loadConfig, loadConfigFromProcess } from '@tagrelay/config';
import { Partner, PARTNERS } from '@tagrelay/contracts';
import { createKafkaClient } from '@tagrelay/kafka';
import { createRootLogger } from '@tagrelay/runtime';
import { connectMongo, SiteConfigRepository } from '@tagrelay/store';
import { DemoArguments, demoArguments } from './demo-arguments';
import { DemoSummary, formatSummary, SandboxCounters, summarize } from './demo-summary';
import { PipelineReadback } from './pipeline-readback';
import { ProgressBar, ProgressOutput } from './progress-bar';
import { sendTraffic } from './traffic-sender';
import { planVisitors } from './visitor-plan';

export interface DemoIo {
  out: (line: string) => void;
  progress: ProgressOutput;
}

const STDIO: DemoIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  progress: process.stderr,
};

/**
 * `npm run demo:traffic -- [visitors] [options]`: sends a realistic mix of
 * web and server hits to a running pipeline (docker/local/pipeline), waits
 * until every event has an outcome at every destination, and prints what the
 * system says happened: incoming hits, enriched (match rate), outgoing per
 * partner, failures. Kafka and MongoDB come from the environment, like the
 * services'. Returns the summary (the end-to-end tests check it).
 */
export async function bootstrap(
  argv: string[] = process.argv.slice(2),
  env?: EnvSource,
  io: DemoIo = STDIO,
): Promise<DemoSummary> {
  const config = env ? loadConfig('demo-traffic', env) : loadConfigFromProcess('demo-traffic');
  const args = demoArguments(argv);
  // NOTE: the Kafka client's own info logs would bury the progress bar.
  const logger = createRootLogger({ ...config, log: { ...config.log, level: 'warn' } });
  await expectReady(args);

  const mongo = await connectMongo(config.mongo);
  const readback = new PipelineReadback(
    createKafkaClient(config.kafka, logger),
    config.kafka.topicPrefix,
  );
  try {
    const { destinations, matchWindowMs } = await demoContainer(
      new SiteConfigRepository(mongo),
      args,
    );
    const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    const visitors = planVisitors(args.visitors, runId, args.seed);
    const hits = visitors.reduce((sum, visitor) => sum + visitor.hits.length, 0);
    io.out(
      `Sending ${hits} hits for ${args.visitors} visitors to ${args.ingestUrl} (site ${args.siteId}, container ${args.containerId}; ` +
        `${destinations.length} destinations: ${destinations.map((d) => d.destinationId).join(', ')})`,
    );

    const before = await readback.offsets();
    const sandboxBefore = await sandboxStats(args.sandboxUrl);
    const bar = new ProgressBar(io.progress);
    const sent = await sendTraffic(visitors, args, (done, total, traffic) =>
      bar.update(
        done,
        total,
        `visitors · ${traffic.serverEvents.size + traffic.webAccepted} hits accepted`,
      ),
    );
    bar.finish();
    for (const example of sent.examples) io.out(`  ingest rejected a hit: ${example}`);

    await readback.startReading(before);
    const waitStarted = performance.now();
    const deadline = waitStarted + args.settleTimeoutMs + matchWindowMs;
    const destinationIds = destinations.map((destination) => destination.destinationId);
    let settled = false;
    const waitBar = new ProgressBar(io.progress);
    while (performance.now() < deadline) {
      settled = readback.settled(sent.serverEvents.keys(), destinationIds);
      const done = [...sent.serverEvents.keys()].filter((id) => readback.enrichment.has(id)).length;
      waitBar.update(
        done,
        sent.serverEvents.size,
        'events enriched · waiting for every destination',
      );
      if (settled) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    waitBar.finish();
    const settleMs = performance.now() - waitStarted;
    const sandboxAfter = await sandboxStats(args.sandboxUrl);
    const summary = summarize({
      visitors,
      sent,
      readback,
      destinations,
      before,
      after: await readback.offsets(),
      sandboxBefore,
      sandboxAfter,
      settled,
      settleMs,
    });
    for (const line of formatSummary(summary, args.sandboxUrl)) io.out(line);
    return summary;
  } finally {
    await readback.stop();
    await mongo.close();
  }
}

async function expectReady(args: DemoArguments): Promise<void> {
  try {
    const response = await fetch(`${args.ingestUrl}/readyz`);
    if (response.ok) return;
    throw new Error(`readiness ${response.status}: ${await response.text()}`);
  } catch (error) {
    throw new Error(
      `ingest is not ready at ${args.ingestUrl} (${(error as Error).message}); start the pipeline first: bash docker/local/pipeline`,
    );
  }
}

/** The container's enabled destinations and its match window, from the store. */
async function demoContainer(repository: SiteConfigRepository, args: DemoArguments) {
  const container = await repository.findContainer(args.siteId, args.containerId);
  if (!container) {
    throw new Error(
      `no container ${args.siteId}/${args.containerId} in the store; docker/local/pipeline loads it from docker/local/demo-site.yaml`,
    );
  }
  const destinations: { partner: Partner; destinationId: string }[] = [];
  for (const partner of PARTNERS) {
    for (const destination of await repository.listDestinations(partner)) {
      if (
        destination.siteId === args.siteId &&
        destination.containerId === args.containerId &&
        destination.enabled
      ) {
        destinations.push({ partner, destinationId: destination.destinationId });
      }
    }
  }
  return { destinations, matchWindowMs: container.matchWindowMs };
}

/** The sandbox's counters, or null when it does not answer (partners may be real). */
async function sandboxStats(url: string): Promise<Record<Partner, SandboxCounters> | null> {
  try {
    const response = await fetch(`${url}/stats`);
    if (!response.ok) return null;
    return ((await response.json()) as { partners: Record<Partner, SandboxCounters> }).partners;
  } catch {
    return null;
  }
}
